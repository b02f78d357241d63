//! A partition's execution context and what the partition manager keeps
//! beside it: its registers (general-purpose, FP/SIMD, EL1 system
//! registers), its stage-2 root, its emulated devices, its program, and its
//! FF-A state (who it is serving, its RX/TX buffers).
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU8, AtomicU32, Ordering};

use hypervisor::devices::DeviceMap;
use hypervisor::elf::Program;
use hypervisor::linebuf::LineBuf;

use aarch64_cpu::registers::SPSR_EL2;

use super::boot::MAX_CPUS;
use super::context::El1Regs;
use super::sched::NUM_SP;
use super::vectors::GuestRegs;
use super::vgic::Pending;

/// Most devices any partition is given: the capacity of a vCPU's device map.
pub const MAX_GRANTS: usize = {
    let parts = programs::board::ACCEPTED.partitions();
    let (mut max, mut i) = (0, 0);
    while i < parts.len() {
        if parts[i].grants().len() > max {
            max = parts[i].grants().len();
        }
        i += 1;
    }
    max
};

/// Who sent the direct request a partition is serving (and gets its answer,
/// its FFA_INTERRUPT, its FFA_YIELD or the FFA_ERROR of its abort).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The normal world (FF-A id 0): the hypervisor's driver plays it.
    NormalWorld,
    /// Another partition, by index in the accepted configuration.
    Partition(usize),
}

/// A partition's FF-A RX/TX buffer pair (`FFA_RXTX_MAP`), one page each, in
/// its own read-write memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RxTx {
    pub tx: u64,
    pub rx: u64,
    /// The partition manager wrote RX and the partition has not released it.
    pub rx_full: bool,
}

pub struct Vcpu {
    pub regs: GuestRegs,
    pub el1: El1Regs,
    pub program: Program,
    pub image: &'static [u8],
    pub vttbr: u64,
    pub devices: DeviceMap<MAX_GRANTS>,
    pub line: LineBuf,
    pub rxtx: Option<RxTx>,
    /// Time slices used by the request it is serving (the watchdog's count).
    pub slices: u32,
    pub faults: u32,
    pub mmio_exits: u64,
}

impl Vcpu {
    /// Back to the program's entry with a fresh context: EL1h with
    /// interrupts masked, `x0..x7` = `args` (zeros on a cold boot, a pending
    /// request on a restart).
    pub fn reset(&mut self, args: [u64; 8]) {
        self.regs = GuestRegs::default();
        self.regs.x[..8].copy_from_slice(&args);
        self.regs.elr = self.program.entry;
        self.regs.spsr =
            (SPSR_EL2::M::EL1h + SPSR_EL2::D::Masked + SPSR_EL2::A::Masked + SPSR_EL2::I::Masked + SPSR_EL2::F::Masked)
                .value;
        self.el1 = El1Regs::reset();
        self.rxtx = None;
        self.slices = 0;
    }

    pub fn set_reg(&mut self, reg: u8, v: u64) {
        if reg < 31 {
            self.regs.x[reg as usize] = v;
        }
    }

    pub fn reg(&self, reg: u8) -> u64 {
        if reg < 31 { self.regs.x[reg as usize] } else { 0 }
    }

    /// The eight registers of an SMCCC call or answer.
    pub fn smccc(&self) -> ffa::Regs {
        let mut r = [0; 8];
        r.copy_from_slice(&self.regs.x[..8]);
        ffa::Regs(r)
    }

    pub fn set_smccc(&mut self, r: ffa::Regs) {
        self.regs.x[..8].copy_from_slice(&r.0);
    }
}

/// No CPU holds the context.
pub const NOBODY: u8 = u8::MAX;
const NO_REQUESTER: u8 = u8::MAX;
const FROM_NORMAL_WORLD: u8 = u8::MAX - 1;
const _: () = assert!(NUM_SP < FROM_NORMAL_WORLD as usize && MAX_CPUS < NOBODY as usize);

/// A partition's execution context as every CPU sees it: the vCPU, which
/// only its owner touches, and what other CPUs may read about it (atomics).
///
/// Ownership follows the lifecycle byte: a CPU becomes the owner right
/// after its compare-and-swap moved the partition into `Running` (or when it
/// boots it from `Reset`), keeps it while the partition runs or is `Blocked`
/// in a call chain this CPU runs, and gives it up *before* the transition
/// that lets another CPU win (to `Idle` or `Preempted`), with every register
/// saved. So the CPU that wins the CAS is the only one inside.
pub struct Context {
    vcpu: UnsafeCell<Option<Vcpu>>,
    owner: AtomicU8,
    requester: AtomicU8,
    /// CPUs between entry and exit right now (the ownership race counts it).
    inside: AtomicU32,
    /// Entries into the partition, per CPU.
    entries: [AtomicU32; MAX_CPUS],
    /// Virtual interrupts waiting for its next entry.
    pub pending: Pending,
    /// The CPU its routed device interrupts are delivered to now.
    routed: AtomicU8,
    /// Claims so far: a CPU that finds the count one past its own last
    /// claim knows nobody held the context in between (its EL1 registers
    /// are still in that CPU's registers).
    claims: AtomicU32,
}

// SAFETY: `vcpu` is reached only through `Context::get`/`get_mut`, which
// require that the calling CPU is `owner`; `owner` is claimed by
// compare-and-swap from NOBODY (after the lifecycle CAS) and released with
// Release ordering after the owner's last access. Every other field is atomic.
unsafe impl Sync for Context {}

/// Every partition's execution context, in the accepted configuration's order.
pub static CONTEXTS: [Context; NUM_SP] = [const { Context::new() }; NUM_SP];

impl Context {
    const fn new() -> Context {
        Context {
            vcpu: UnsafeCell::new(None),
            owner: AtomicU8::new(NOBODY),
            requester: AtomicU8::new(NO_REQUESTER),
            inside: AtomicU32::new(0),
            entries: [const { AtomicU32::new(0) }; MAX_CPUS],
            pending: Pending::new(),
            routed: AtomicU8::new(0),
            claims: AtomicU32::new(0),
        }
    }

    /// Put the loaded vCPU in place. Boot only: CPU 0, before any guest runs
    /// and before the other CPUs start.
    pub fn install(&self, v: Vcpu) {
        assert!(
            self.owner.load(Ordering::Relaxed) == NOBODY,
            "a context is installed while unowned"
        );
        // SAFETY: no CPU owns the context (checked above) and only CPU 0 runs
        // at this point of the boot, so nothing else references `vcpu`.
        unsafe { *self.vcpu.get() = Some(v) };
    }

    pub fn owner(&self) -> u8 {
        self.owner.load(Ordering::Acquire)
    }

    /// Become the owner: the claim's number, or `Err(holder)` if another
    /// CPU holds it.
    pub fn claim(&self, cpu: u8) -> Result<u32, u8> {
        self.owner
            .compare_exchange(NOBODY, cpu, Ordering::Acquire, Ordering::Acquire)?;
        Ok(self.claims.fetch_add(1, Ordering::Relaxed).wrapping_add(1))
    }

    /// Give the context up (after the owner's last access to it).
    pub fn release(&self, cpu: u8) -> Result<(), u8> {
        self.owner
            .compare_exchange(cpu, NOBODY, Ordering::Release, Ordering::Relaxed)
            .map(|_| ())
    }

    /// The vCPU, for its owner.
    pub fn get(&self, cpu: u8) -> Option<&Vcpu> {
        if self.owner.load(Ordering::Acquire) != cpu {
            return None;
        }
        // SAFETY: `cpu` owns the context, so no other CPU references the
        // vCPU; the caller (the CPU's `Runtime`) borrows it shared.
        unsafe { (*self.vcpu.get()).as_ref() }
    }

    /// The vCPU, for its owner.
    #[allow(clippy::mut_from_ref)]
    pub fn get_mut(&self, cpu: u8) -> Option<&mut Vcpu> {
        if self.owner.load(Ordering::Acquire) != cpu {
            return None;
        }
        // SAFETY: `cpu` owns the context, so no other CPU references the
        // vCPU; the caller is that CPU's one `Runtime`, whose `&mut self`
        // borrow makes this the only reference on this CPU.
        unsafe { (*self.vcpu.get()).as_mut() }
    }

    /// Who sent the request the partition is serving.
    pub fn requester(&self) -> Option<Endpoint> {
        match self.requester.load(Ordering::Acquire) {
            NO_REQUESTER => None,
            FROM_NORMAL_WORLD => Some(Endpoint::NormalWorld),
            i => Some(Endpoint::Partition(i as usize)),
        }
    }

    pub fn set_requester(&self, e: Option<Endpoint>) {
        let v = match e {
            None => NO_REQUESTER,
            Some(Endpoint::NormalWorld) => FROM_NORMAL_WORLD,
            Some(Endpoint::Partition(i)) => i as u8,
        };
        self.requester.store(v, Ordering::Release);
    }

    /// Count one CPU going in; the number that were inside already (0 when
    /// ownership holds).
    pub fn go_in(&self, cpu: u8) -> u32 {
        self.entries[cpu as usize].fetch_add(1, Ordering::Relaxed);
        self.inside.fetch_add(1, Ordering::AcqRel)
    }

    pub fn go_out(&self) {
        self.inside.fetch_sub(1, Ordering::AcqRel);
    }

    /// Route its device interrupts to `cpu` (if they are routed elsewhere):
    /// they reach the CPU that runs it.
    pub fn route_interrupts(&self, sp: usize, cpu: u8) {
        let ints = programs::board::ACCEPTED.partitions()[sp].interrupts();
        if !ints.is_empty() && self.routed.swap(cpu, Ordering::AcqRel) != cpu {
            for &intid in ints {
                super::gic::route_to_this_cpu(intid);
            }
        }
    }

    pub fn entries(&self, cpu: usize) -> u32 {
        self.entries[cpu].load(Ordering::Relaxed)
    }
}
