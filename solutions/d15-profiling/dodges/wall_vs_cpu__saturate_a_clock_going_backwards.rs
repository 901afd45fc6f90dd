//! Dodge: a clock that went backwards is clamped to zero elapsed time, so a broken clock yields a plausible-looking but invented figure.
//! Caught by: a_clock_that_goes_backwards_is_reported

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

/// A pair of clocks, each measured from its own origin.
pub trait Clocks {
    /// Time passing in the world.
    fn wall(&self) -> Duration;
    /// Time the processor spent running this thread.
    fn cpu(&self) -> Duration;
}

impl<C: Clocks + ?Sized> Clocks for &C {
    fn wall(&self) -> Duration {
        (**self).wall()
    }
    fn cpu(&self) -> Duration {
        (**self).cpu()
    }
}

/// Which of the two clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    /// The wall clock.
    Wall,
    /// The CPU clock.
    Cpu,
}

/// One name's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnTimes {
    /// The name given to `profile`.
    pub name: String,
    /// How many calls were profiled under it.
    pub calls: u32,
    /// Their summed wall time.
    pub wall: Duration,
    /// Their summed CPU time.
    pub cpu: Duration,
}

impl FnTimes {
    /// Wall time spent off the CPU: `wall - cpu`, or zero if CPU time is larger.
    pub fn waiting(&self) -> Duration {
        self.wall.saturating_sub(self.cpu)
    }
}

/// A clock went backwards during a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The clock read less at the end of the call than at its start.
    #[error("the {clock:?} clock went backwards during {name:?}")]
    WentBackwards {
        /// Which clock.
        clock: ClockKind,
        /// The call's name.
        name: String,
    },
}

/// A profiler that measures every call on a wall clock and a CPU clock.
#[derive(Debug)]
pub struct DualProfiler<C> {
    clocks: C,
    times: RefCell<HashMap<String, FnTimes>>,
    broken: RefCell<Option<ClockError>>,
}

/// `end - start`, or the error naming `clock` if the clock went backwards.
fn elapsed(
    start: Duration,
    end: Duration,
    clock: ClockKind,
    name: &str,
) -> Result<Duration, ClockError> {
    let _ = (clock, name);
    Ok(end.saturating_sub(start))
}

impl<C: Clocks> DualProfiler<C> {
    /// A profiler with nothing recorded, reading `clocks`.
    pub fn new(clocks: C) -> Self {
        Self {
            clocks,
            times: RefCell::new(HashMap::new()),
            broken: RefCell::new(None),
        }
    }

    /// Runs `f`, adding its wall and CPU time to `name`, and returns its value.
    pub fn profile<R>(&self, name: &str, f: impl FnOnce() -> R) -> R {
        let (wall_start, cpu_start) = (self.clocks.wall(), self.clocks.cpu());
        let value = f();
        let (wall_end, cpu_end) = (self.clocks.wall(), self.clocks.cpu());
        let measured = elapsed(wall_start, wall_end, ClockKind::Wall, name)
            .and_then(|wall| Ok((wall, elapsed(cpu_start, cpu_end, ClockKind::Cpu, name)?)));
        match measured {
            Ok((wall, cpu)) => {
                let mut times = self.times.borrow_mut();
                let entry = times.entry(name.to_owned()).or_insert_with(|| FnTimes {
                    name: name.to_owned(),
                    calls: 0,
                    wall: Duration::ZERO,
                    cpu: Duration::ZERO,
                });
                entry.calls += 1;
                entry.wall += wall;
                entry.cpu += cpu;
            }
            Err(error) => {
                self.broken.borrow_mut().get_or_insert(error);
            }
        }
        value
    }

    /// Every name's totals, most time on the `by` clock first (ties: by name).
    pub fn report(&self, by: ClockKind) -> Result<Vec<FnTimes>, ClockError> {
        if let Some(error) = self.broken.borrow().clone() {
            return Err(error);
        }
        let mut report: Vec<FnTimes> = self.times.borrow().values().cloned().collect();
        let key = |t: &FnTimes| match by {
            ClockKind::Wall => t.wall,
            ClockKind::Cpu => t.cpu,
        };
        report.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
        Ok(report)
    }
}
