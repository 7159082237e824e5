//! What the benchmarks share: reading CPU time (Linux `clock_gettime`), so figures do not depend on
//! how loaded the shared machine was.

use std::time::Duration;

/// Which CPU clock to read.
#[derive(Clone, Copy)]
#[allow(dead_code)] // each bench uses one of them
pub enum Clock {
    /// This thread's (`CLOCK_THREAD_CPUTIME_ID`).
    Thread,
    /// This process's (`CLOCK_PROCESS_CPUTIME_ID`).
    Process,
}

/// CPU time consumed so far on `clock`; `None` where it cannot be read.
#[cfg(target_os = "linux")]
pub fn cpu(clock: Clock) -> Option<Duration> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    let id = match clock {
        Clock::Process => 2,
        Clock::Thread => 3,
    };
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes it.
    let rc = unsafe { clock_gettime(id, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// CPU time consumed so far on `clock`; `None` where it cannot be read.
#[cfg(not(target_os = "linux"))]
pub fn cpu(_clock: Clock) -> Option<Duration> {
    None
}
