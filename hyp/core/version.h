/* Halcyon's version, printed in the banner and (later) reported through xen_version. */
#pragma once

#define HALCYON_VERSION "0.1.0"
