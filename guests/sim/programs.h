/* The sim guest programs hypsim links, by the name a scenario's `halcyon,sim-program` gives.
 * Each program's guest_main is compiled under its own name so that several link together. */
#pragma once

#include "sim/program.h"

extern const struct sim_program sim_guest_programs[];
extern const unsigned sim_guest_program_count;
