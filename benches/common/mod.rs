//! What the benchmarks share: reading CPU time (Linux `clock_gettime`), so figures do not depend on
//! how loaded the shared machine was.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where generated inputs live: `$AUTHLENS_BENCH_DIR`, else `$CARGO_TARGET_DIR/bench-data`.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("AUTHLENS_BENCH_DIR") {
        return PathBuf::from(d);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// Stops the bench with a message (exit 2, as the CLI does for unusable input).
pub fn die(msg: &str) -> ! {
    eprintln!("bench: {msg}");
    std::process::exit(2)
}

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
