//! A partition's execution context and what the partition manager keeps
//! beside it: its registers (general-purpose, FP/SIMD, EL1 system
//! registers), its stage-2 root, its emulated devices, its program, and its
//! FF-A state (who it is serving, its RX/TX buffers).
use hypervisor::devices::DeviceMap;
use hypervisor::elf::Program;
use hypervisor::linebuf::LineBuf;

use aarch64_cpu::registers::SPSR_EL2;

use super::context::El1Regs;
use super::vectors::GuestRegs;

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
    pub requester: Option<Endpoint>,
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
        self.requester = None;
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
