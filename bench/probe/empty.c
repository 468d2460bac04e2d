/* The control library: loading it costs what loading any LD_PRELOAD library costs, and nothing else. */
int tether_bench_empty_symbol(void) {
    return 0;
}
