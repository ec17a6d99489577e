/* The libgcc helpers gcc emits calls to and a -nostdlib link lacks: population counts, which AArch64
 * computes with SIMD (CNT) and -mgeneral-regs-only therefore turns into calls. */
int __popcountdi2(unsigned long x);
int __popcountsi2(unsigned int x);

int __popcountdi2(unsigned long x)
{
	/* SWAR: bit counts of 2, 4, then 8 bits, summed by the multiply into the top byte. */
	x = x - ((x >> 1) & 0x5555555555555555UL);
	x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (int)((x * 0x0101010101010101UL) >> 56);
}

int __popcountsi2(unsigned int x) { return __popcountdi2(x); }
