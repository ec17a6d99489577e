/* hypsim's closing table: per domain what the trace counted at the HAL boundary, with the names
 * and shutdown reasons the core printed on the console. */
#pragma once

#include <stdint.h>
#include <stdio.h>

/* Every console character, in order: lines "Domain dN (name): ..." name the domains, "...: shut
 * down (reason)" give the reason. */
void sim_summary_console(uint8_t c);

/* The domain's name as the console gave it, "" if none. */
const char *sim_summary_name(unsigned domid);

/* Writes the table: @ticks of virtual time, @frames_now (may be NULL) for memory held at the end. */
void sim_summary_print(FILE *out, uint64_t seed, uint64_t ticks, unsigned pcpus, uint64_t (*frames_now)(unsigned));
