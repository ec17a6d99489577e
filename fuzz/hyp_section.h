/* Included first in every file of the hypercall harness's engine builds (clang): the core's
 * globals go to two sections, so a snapshot of the whole machine is its RAM plus two ranges. */
#pragma once
#pragma clang section bss = "world_bss" data = "world_data"
