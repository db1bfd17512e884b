//! What the interpreter reports as it runs. The mode is a type parameter: [`NoTrace`] compiles to
//! nothing (execute-only mode), [`Recorder`] keeps every event for the prover.

use zkmips_isa::events::{MemEvent, StepEvent, SyscallEvent};

/// Receives the events of a run.
pub trait Tracer {
    /// False lets the interpreter skip building events altogether.
    const ENABLED: bool;
    fn step(&mut self, ev: StepEvent);
    fn mem(&mut self, ev: MemEvent);
    fn syscall(&mut self, ev: SyscallEvent);
}

/// Execute-only mode.
#[derive(Default, Debug, Clone, Copy)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn step(&mut self, _: StepEvent) {}
    #[inline(always)]
    fn mem(&mut self, _: MemEvent) {}
    #[inline(always)]
    fn syscall(&mut self, _: SyscallEvent) {}
}

/// Tracing mode: one vector per kind of event, in execution order.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    pub steps: Vec<StepEvent>,
    pub mem: Vec<MemEvent>,
    pub syscalls: Vec<SyscallEvent>,
}

impl Tracer for Recorder {
    const ENABLED: bool = true;
    #[inline(always)]
    fn step(&mut self, ev: StepEvent) {
        self.steps.push(ev);
    }
    #[inline(always)]
    fn mem(&mut self, ev: MemEvent) {
        self.mem.push(ev);
    }
    #[inline(always)]
    fn syscall(&mut self, ev: SyscallEvent) {
        self.syscalls.push(ev);
    }
}

/// Counts events without keeping them: tracing mode's cost of building events, for benchmarks.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub steps: u64,
    pub mem: u64,
    pub syscalls: u64,
}

impl Tracer for Counter {
    const ENABLED: bool = true;
    #[inline(always)]
    fn step(&mut self, ev: StepEvent) {
        self.steps += 1;
        std::hint::black_box(ev);
    }
    #[inline(always)]
    fn mem(&mut self, ev: MemEvent) {
        self.mem += 1;
        std::hint::black_box(ev);
    }
    #[inline(always)]
    fn syscall(&mut self, ev: SyscallEvent) {
        self.syscalls += 1;
        std::hint::black_box(ev);
    }
}
