/* The machine's interrupt controller and generic timer: models/gic and models/timer wired to the
 * pCPUs, so an asserted line wakes a CPU in WFI and a timer deadline lets idle time jump ahead. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/platform.h"
#include "models/gic/gic.h"
#include "models/timer/timer.h"

struct sim_cpu;

#define SIM_GIC_SPIS       256u /* as QEMU's virt: GICD_TYPER.ITLinesNumber 8 */
#define SIM_GIC_LRS        4u
#define SIM_GIC_VPRIO_BITS 5u
#define SIM_GICR_STRIDE    0x20000u /* RD_base + SGI_base */

/* Builds the GIC @plat describes (its frames on the bus) and the timers, their PPIs from the
 * tree's timer node (QEMU's 30/27/26 where it names none). Returns 0, or -1 with @err. */
int sim_irq_create(const struct platform *plat, char *err, size_t errlen);
void sim_irq_destroy(void);

struct gic *sim_gic(void);
/* The SPIs the GIC model's GICD_TYPER.ITLinesNumber gives (0 before there is one), as
 * hal_platform_init reports them in struct platform. */
unsigned sim_gic_spis(void);
struct timer *sim_timer(void);

/* The counter reaches @now: timer outputs follow, and CPUs they interrupt wake. */
void sim_irq_advance(uint64_t now);

/* The counter value at which the next timer output rises, UINT64_MAX for none. */
uint64_t sim_irq_next_deadline(void);

/* WFI's wake-up condition on @c: a physical IRQ/FIQ pending at its CPU interface, or, while a guest
 * runs there, a virtual one (masking by PSTATE does not matter to WFI). */
bool sim_irq_wakes(const struct sim_cpu *c);

/* The machine's CPU with logical id @cpu (hal_cpu_id()) that has run, or NULL. */
struct sim_cpu *sim_irq_cpu_logical(unsigned cpu);

/* Around a guest's run on @c: its virtual CPU interface and virtual timer into the models, and
 * back into @ctx with the status registers. After the exit the interface is clean (no list
 * register; ICH_HCR 0, or left as it was when nothing could raise maintenance: none for a vCPU
 * gone) but the virtual timer stays loaded, as on hal/real, so an interrupt it raised is still
 * there to acknowledge; sim_irq_idle turns it off. */
struct hal_vcpu_ctx;
void sim_irq_vcpu_load(struct sim_cpu *c, const struct hal_vcpu_ctx *ctx);
void sim_irq_vcpu_save(struct sim_cpu *c, struct hal_vcpu_ctx *ctx);

/* A guest accessed pCPU @cpu's virtual CPU interface (ICC_* through ICV, or the GICV/GICH frame):
 * what the HAL knows of its registers is stale. sim_irq_vgic_reset forgets every pCPU's. */
void sim_irq_vgic_touched(unsigned cpu);
void sim_irq_vgic_reset(void);

/* Before @c waits in hal_cpu_idle: nothing of the last vCPU may interrupt it. */
void sim_irq_idle(struct sim_cpu *c);
