//! Stopping the machine: register dumps and semihosting exit codes.
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use aarch64_cpu::registers::*;

use hypervisor::devices::BuildError;
use hypervisor::layout::LayoutError;
use hypervisor::stage2::MapError;
use programs::board::ACCEPTED;

use super::arch;
use super::console::emergency;
use super::sched::{PARTITIONS, Runtime};
use super::vectors::{TrapFrame, capture_regs};

pub const EXIT_PANIC: u32 = 1;
pub const EXIT_EL2_EXCEPTION: u32 = 2;
pub const EXIT_CORRUPT_STATE: u32 = 3;
pub const EXIT_RACE: u32 = 4;
pub const EXIT_INIT: u32 = 5;
pub const EXIT_CHECKS: u32 = 6;

/// Errors while setting the machine up; each names the item and the rule.
#[derive(Debug)]
pub enum InitError {
    Layout(LayoutError),
    Stage2 {
        name: &'static str,
        err: MapError,
    },
    Devices {
        name: &'static str,
        err: BuildError,
    },
    Gic(&'static str),
    CpuOn {
        cpu: u64,
        code: i64,
    },
    Scenario(&'static str),
    /// A constant shared between link.ld and Rust disagrees.
    Link {
        what: &'static str,
        linked: u64,
        expected: u64,
    },
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Layout(e) => write!(f, "{e}"),
            InitError::Stage2 { name, err } => write!(f, "{name}: stage-2: {err}"),
            InitError::Devices { name, err } => write!(f, "{name}: {err}"),
            InitError::Gic(s) => write!(f, "{s}"),
            InitError::CpuOn { cpu, code } => write!(f, "cpu{cpu}: rule `PSCI CPU_ON succeeds`: returned {code}"),
            InitError::Link { what, linked, expected } => {
                write!(
                    f,
                    "{what}: rule `link.ld and the Rust constants agree`: linked {linked:#x}, expected {expected:#x}"
                )
            }
            InitError::Scenario(s) => {
                write!(
                    f,
                    "HV_SCENARIO={s}: rule `the scenario is one of normal, corrupt-state`: unknown scenario"
                )
            }
        }
    }
}

static HALTING: AtomicBool = AtomicBool::new(false);

fn sysreg_dump() {
    emergency(format_args!(
        "  ELR_EL2  {:#018x}  SPSR_EL2 {:#018x}  ESR_EL2   {:#018x}\n",
        ELR_EL2.get(),
        SPSR_EL2.get(),
        ESR_EL2.get()
    ));
    emergency(format_args!(
        "  FAR_EL2  {:#018x}  HPFAR    {:#018x}  HCR_EL2   {:#018x}\n",
        FAR_EL2.get(),
        HPFAR_EL2.get(),
        HCR_EL2.get()
    ));
    emergency(format_args!(
        "  VTTBR    {:#018x}  VTCR     {:#018x}  SCTLR_EL2 {:#018x}\n",
        VTTBR_EL2.get(),
        VTCR_EL2.get(),
        SCTLR_EL2.get()
    ));
    emergency(format_args!(
        "  CurrentEL {}  MPIDR {:#x}  CNTPCT {:#x}\n",
        CurrentEL.get() >> 2,
        MPIDR_EL1.get(),
        CNTPCT_EL0.get()
    ));
}

fn gprs(x: &[u64], sp: Option<u64>) {
    for (i, pair) in x.chunks(3).enumerate() {
        for (j, v) in pair.iter().enumerate() {
            emergency(format_args!("  x{:<2} {:#018x}", i * 3 + j, v));
        }
        emergency(format_args!("\n"));
    }
    if let Some(sp) = sp {
        emergency(format_args!("  sp  {sp:#018x}\n"));
    }
}

/// Stop the machine: report `why`, dump registers (the hypervisor's, the
/// partitions' lifecycle bytes and the current guest's context), exit with `code`.
pub fn halt(why: fmt::Arguments<'_>, rt: Option<&Runtime>, code: u32) -> ! {
    let mut regs = [0u64; 32];
    // SAFETY: `capture_regs` stores 32 words into the buffer it is given.
    unsafe { capture_regs(&mut regs) };
    if HALTING.swap(true, Ordering::AcqRel) {
        arch::semihosting_exit(code);
    }
    emergency(format_args!("\n!!! HYPERVISOR HALTED: {why}\n"));
    emergency(format_args!(
        "--- register dump: cpu{} at EL2 ---\n",
        MPIDR_EL1.get() & 0xFF
    ));
    gprs(&regs[..31], Some(regs[31]));
    sysreg_dump();
    emergency(format_args!("--- SP lifecycle state bytes ---\n"));
    let lc = ACCEPTED.lifecycle();
    for p in PARTITIONS.iter() {
        let raw = p.state().raw();
        emergency(format_args!(
            "  {} @ {:#x}: {:#04x} ({}){}\n",
            p.name,
            p.state().as_ptr() as usize,
            raw,
            lc.name(raw),
            if (raw as usize) < lc.states().len() {
                ""
            } else {
                "  <-- not a state of the accepted table"
            }
        ));
    }
    if let Some((v, cur)) = rt.and_then(|rt| rt.current.and_then(|c| rt.try_vcpu(c).map(|v| (v, c)))) {
        emergency(format_args!(
            "--- guest context of {} (last exit) ---\n",
            PARTITIONS[cur].name
        ));
        gprs(&v.regs.x, Some(v.regs.sp_el1));
        emergency(format_args!("  pc  {:#018x}  spsr {:#x}\n", v.regs.elr, v.regs.spsr));
    }
    emergency(format_args!(
        "--- exiting QEMU via semihosting SYS_EXIT with code {code} ---\n"
    ));
    arch::semihosting_exit(code)
}

/// An exception taken at EL2 itself: a hypervisor bug.
#[unsafe(no_mangle)]
extern "C" fn el2_exception(kind: u64, frame: &TrapFrame) -> ! {
    if HALTING.swap(true, Ordering::AcqRel) {
        // An exception while halting (e.g. `hlt` without -semihosting): park.
        loop {
            aarch64_cpu::asm::wfe();
        }
    }
    emergency(format_args!(
        "\n!!! HYPERVISOR HALTED: exception at EL2 (vector {kind}): rule `the hypervisor takes no exceptions itself`: ESR {:#x} (EC {:#04x}), ELR {:#x}, FAR {:#x}\n",
        frame.esr,
        frame.esr >> 26,
        frame.elr,
        frame.far
    ));
    emergency(format_args!("--- register dump at the exception ---\n"));
    gprs(&frame.x, None);
    emergency(format_args!("  SPSR {:#x}\n", frame.spsr));
    sysreg_dump();
    emergency(format_args!(
        "--- exiting QEMU via semihosting SYS_EXIT with code {EXIT_EL2_EXCEPTION} ---\n"
    ));
    arch::semihosting_exit(EXIT_EL2_EXCEPTION)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    halt(format_args!("panic: {info}"), None, EXIT_PANIC)
}
