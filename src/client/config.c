/* What follows from the client configuration. */
#include "client/config.h"

uint16_t config_announced_port(const struct client_config *cfg)
{
	if (!cfg->udp)
		return 0;
	if (cfg->nat_port)
		return cfg->nat_port;
	return cfg->skip_nat_check ? 0 : cfg->udp_port;
}

const char *config_udp_mode(const struct client_config *cfg)
{
	if (!cfg->udp)
		return "protocol-41";
	if (cfg->nat_port)
		return "static-nat";
	return config_announced_port(cfg) ? "plain" : "nat-traversal";
}
