// LD_PRELOAD shim for Scripts/chaos: shifts the wall clock (CLOCK_REALTIME, gettimeofday, time) of one
// process by an offset read from the file in $CHAOS_CLOCK_FILE ("+3600", "-3600", "0": seconds), re-read at
// most five times a second, so the clock can jump while the process runs. The monotonic clocks are left
// alone, as an NTP step leaves them. (libfaketime does the same, but under it Swift programs see no
// command-line arguments.) Built by chaos.d/faults.py: cc -shared -fPIC -O2 -o clockshift.so clockshift.c -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
static clock_gettime_fn real_clock_gettime;
static _Atomic long long offset_seconds;
static _Atomic long long next_read_ns;
static atomic_flag reading = ATOMIC_FLAG_INIT;

static void refresh(void) {
    if (!real_clock_gettime) real_clock_gettime = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
    struct timespec now;
    real_clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    if (ns < atomic_load(&next_read_ns) || atomic_flag_test_and_set(&reading)) return;
    const char *path = getenv("CHAOS_CLOCK_FILE");
    FILE *file = path ? fopen(path, "r") : NULL;
    long long value;
    if (file) {
        if (fscanf(file, "%lld", &value) == 1) atomic_store(&offset_seconds, value);
        fclose(file);
    }
    atomic_store(&next_read_ns, ns + 200000000LL);
    atomic_flag_clear(&reading);
}

int clock_gettime(clockid_t clock, struct timespec *time) {
    refresh();
    int result = real_clock_gettime(clock, time);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) {
        time->tv_sec += atomic_load(&offset_seconds);
    }
    return result;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    struct timespec now;
    (void)tz;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return -1;
    if (tv) {
        tv->tv_sec = now.tv_sec;
        tv->tv_usec = now.tv_nsec / 1000;
    }
    return 0;
}

time_t time(time_t *out) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}

int timespec_get(struct timespec *ts, int base) {
    if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
    return base;
}
