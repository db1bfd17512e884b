//! What the interpreter reports as it runs. The mode is a type parameter: [`NoTrace`] compiles to
//! nothing (execute-only mode), [`Recorder`] keeps every event for the prover.

use std::collections::HashMap;

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

/// Counts the instructions executed at each address: a program's cycle profile (see
/// [`crate::Program::function_at`] to group them by function).
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub counts: HashMap<u32, u64>,
}

impl Profile {
    /// Per function of `program`: its name, the instructions executed in it and the times its first
    /// instruction ran (its calls, unless it loops back to its start), most instructions first.
    /// Addresses without a symbol count as `"?"`.
    pub fn by_function(&self, program: &crate::Program) -> Vec<FunctionProfile> {
        let mut totals: HashMap<(u32, &str), u64> = HashMap::new();
        for (&pc, &n) in &self.counts {
            let key = program.function_containing(pc).unwrap_or((u32::MAX, "?"));
            *totals.entry(key).or_default() += n;
        }
        let mut out: Vec<FunctionProfile> = totals
            .into_iter()
            .map(|((start, name), instructions)| FunctionProfile {
                name: name.to_string(),
                instructions,
                calls: self.counts.get(&start).copied().unwrap_or(0),
            })
            .collect();
        out.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.name.cmp(&b.name)));
        out
    }
}

/// One function's line of a [`Profile`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionProfile {
    /// The symbol's (mangled) name.
    pub name: String,
    /// Instructions executed in the function itself (not in its callees).
    pub instructions: u64,
    /// Executions of its first instruction.
    pub calls: u64,
}

impl Tracer for Profile {
    const ENABLED: bool = true;
    #[inline(always)]
    fn step(&mut self, ev: StepEvent) {
        *self.counts.entry(ev.pc).or_default() += 1;
    }
    #[inline(always)]
    fn mem(&mut self, _: MemEvent) {}
    #[inline(always)]
    fn syscall(&mut self, _: SyscallEvent) {}
}
