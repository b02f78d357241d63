//! sp2, the hostile partition: each request breaks one rule of isolation
//! (touches memory or devices it was not given, answers or resumes calls it
//! does not own, executes an undefined instruction with no vectors, spins
//! forever, looks for another partition's register contents). The
//! hypervisor must contain each and keep the other partitions serving.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(target_os = "none"))]
fn main() {}

#[cfg(target_os = "none")]
partitions::partition!(sp2::main);

#[cfg(target_os = "none")]
mod sp2 {
    use core::ptr::{read_volatile, write_volatile};

    use aarch64_cpu::registers::*;
    use partitions::ffa::{self, Regs};
    use partitions::{cmd, println};
    use programs::board::{ACCEPTED, GicV3Distributor, Pl011, Pl031};
    use programs::{KindInfo, MemoryAccess};

    use super::{ID, ME};

    const SP0: u16 = partitions::id_of("sp0");
    const SP1: u16 = partitions::id_of("sp1");

    /// The first `rw` region of sp0: memory this partition was not given.
    const SP0_RAM: u64 = {
        let regions = partitions::partition_named("sp0").regions();
        let mut i = 0;
        while !matches!(regions[i].access(), MemoryAccess::ReadWrite) {
            i += 1;
        }
        regions[i].base()
    };

    pub fn main(first: Regs) -> ! {
        if !first.is_direct_req() {
            // A cold boot (a restart carries its request): fault before
            // waiting for messages. The hypervisor aborts it, the other
            // partitions boot, and its first request restarts it here.
            // Calls that would block it on another partition before it has
            // booted: refused (DENIED), not a corrupt lifecycle.
            let r = ffa::call(Regs::direct_req(ID, SP0, [cmd::HELLO, 0, 0, 0, 0]));
            let q = ffa::call(Regs([ffa::FFA_RUN, ffa::target(SP1, 0), 0, 0, 0, 0, 0, 0]));
            println!(
                "booting: FFA_MSG_SEND_DIRECT_REQ to sp0 answered {}, FFA_RUN sp1 answered {}",
                r.as_error().map_or("something else", |e| e.name()),
                q.as_error().map_or("something else", |e| e.name())
            );
            println!("booting: reading sp0's RAM at {SP0_RAM:#x} before FFA_MSG_WAIT");
            // SAFETY: deliberate: memory this partition was not given.
            let v = unsafe { read_volatile(SP0_RAM as *const u64) };
            println!("read {v:#x} from sp0's RAM: isolation is broken");
        }
        println!("hostile partition up (FF-A id {:#06x}), no EL1 vectors installed", ID);
        partitions::serve(ID, first, handle)
    }

    fn handle(_from: u16, p: ffa::Payload) -> ffa::Payload {
        // SAFETY (all raw accesses below): deliberate. Each reads or writes
        // an address the hypervisor either emulates or must refuse; a
        // refused access stops this partition, which is the point.
        match p[0] {
            cmd::HELLO => [0, 0, 0, 0, 0],
            cmd::GIC_PROBE => {
                let gicd = const { partitions::device_of(ME, &KindInfo::of::<GicV3Distributor>()) };
                let typer = unsafe { read_volatile((gicd + 4) as *const u32) };
                println!(
                    "GICD_TYPER = {typer:#x} (emulated: {} SPI lines)",
                    (typer & 0x1f) * 32 + 32
                );
                [0, typer as u64, 0, 0, 0]
            }
            cmd::UNKNOWN_REG => {
                let uart = const { partitions::device_of(ME, &KindInfo::of::<Pl011>()) };
                let v = unsafe { read_volatile((uart + 0xF00) as *const u32) };
                [0, v as u64, 0, 0, 0]
            }
            cmd::WIDE_ACCESS => {
                let rtc = const { partitions::device_of(ME, &KindInfo::of::<Pl031>()) };
                let v = unsafe { read_volatile(rtc as *const u64) };
                [0, v, 0, 0, 0]
            }
            cmd::HYP_MEMORY => {
                let v = unsafe { read_volatile(const { ACCEPTED.board().image_base() } as *const u64) };
                [0, v, 0, 0, 0]
            }
            cmd::UNMAPPED => {
                let v = unsafe { read_volatile(cmd::UNMAPPED_IPA as *const u64) };
                [0, v, 0, 0, 0]
            }
            cmd::OTHER_RAM => {
                let v = unsafe { read_volatile(SP0_RAM as *const u64) };
                [0, v, 0, 0, 0]
            }
            cmd::WRITE_CODE => {
                let code = handle as *const () as *mut u32;
                unsafe { write_volatile(code, 0xd503_201f) };
                [0, 0, 0, 0, 0]
            }
            cmd::BAD_RUN => {
                let r = ffa::call(Regs([ffa::FFA_RUN, ffa::target(SP1, 0), 0, 0, 0, 0, 0, 0]));
                let e = r.as_error();
                println!("FFA_RUN of sp1 answered {}", e.map_or("something else", |e| e.name()));
                [0, e.map_or(0, |e| e.code()), 0, 0, 0]
            }
            cmd::BAD_RESP => {
                let r = ffa::call(Regs::direct_resp(ID, SP0, [0xBAD, cmd::SECRET, 0, 0, 0]));
                let e = r.as_error();
                println!(
                    "FFA_MSG_SEND_DIRECT_RESP to sp0 answered {}",
                    e.map_or("something else", |e| e.name())
                );
                [0, e.map_or(0, |e| e.code()), 0, 0, 0]
            }
            cmd::ABANDON_CALL => {
                let r = ffa::call(Regs::direct_req(ID, SP1, [cmd::WORK, 200, 0, 0, 0]));
                if r.fid() == ffa::FFA_INTERRUPT {
                    println!("sp1 was preempted in my call; faulting instead of resuming it");
                    unsafe { core::arch::asm!("udf #0xca", options(nostack)) };
                }
                [1, r.fid(), 0, 0, 0]
            }
            cmd::SEND_SGI => {
                // ICC_SGI1R_EL1: SGI 0 to every other CPU (IRM = 1). Under
                // HCR_EL2.IMO the write traps to the hypervisor.
                unsafe { core::arch::asm!("msr S3_0_C12_C11_5, {}", in(reg) 1u64 << 40, options(nostack)) };
                println!("sent SGI 0 to every CPU: isolation is broken");
                [0, 0, 0, 0, 0]
            }
            cmd::UNDEFINED => {
                unsafe { core::arch::asm!("udf #0x5e", options(nostack)) };
                [0, 0, 0, 0, 0]
            }
            cmd::SPIN_FOREVER => {
                println!("spinning forever");
                loop {
                    core::hint::spin_loop();
                }
            }
            cmd::FOREIGN_BUFFERS => {
                let rx = const {
                    let regions = ME.regions();
                    let mut i = 0;
                    while !matches!(regions[i].access(), MemoryAccess::ReadWrite) {
                        i += 1;
                    }
                    regions[i].base()
                };
                let mut accepted = 0;
                for tx in [SP0_RAM, const { ACCEPTED.board().image_base() }, 0xFFFF_FFFF_FFFF_F000] {
                    let r = ffa::call(Regs([ffa::FFA_RXTX_MAP_64, tx, rx, 1, 0, 0, 0, 0]));
                    if r.as_error() != Some(ffa::Error::InvalidParameters) {
                        accepted += 1;
                        ffa::call(Regs([ffa::FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, 0, 0]));
                    }
                }
                println!("FFA_RXTX_MAP of memory it does not own: {accepted} of 3 accepted");
                [0, accepted, 0, 0, 0]
            }
            cmd::FORGED_SENDER => {
                let r = ffa::call(Regs::direct_req(SP0, SP1, [cmd::WORK, 1, 0, 0, 0]));
                [0, r.as_error().map_or(0, |e| e.code()), 0, 0, 0]
            }
            cmd::FIRMWARE_OFF => {
                let r0: u64;
                // SAFETY: an SMCCC call by the other conduit; the partition
                // manager traps it (HCR_EL2.TSC) and answers in x0.
                unsafe { core::arch::asm!("smc #0", inout("x0") 0x8400_0008u64 => r0, options(nostack)) };
                println!("PSCI SYSTEM_OFF by smc answered {:#x}; still running", r0);
                [0, r0, 0, 0, 0]
            }
            cmd::PANIC => panic!("sp2 panics on request"),
            cmd::READ_SECRETS => {
                let mut v = [0u64; 64];
                unsafe {
                    core::arch::asm!(
                        "stp q0, q1, [{p}, #0]", "stp q2, q3, [{p}, #32]",
                        "stp q4, q5, [{p}, #64]", "stp q6, q7, [{p}, #96]",
                        "stp q8, q9, [{p}, #128]", "stp q10, q11, [{p}, #160]",
                        "stp q12, q13, [{p}, #192]", "stp q14, q15, [{p}, #224]",
                        "stp q16, q17, [{p}, #256]", "stp q18, q19, [{p}, #288]",
                        "stp q20, q21, [{p}, #320]", "stp q22, q23, [{p}, #352]",
                        "stp q24, q25, [{p}, #384]", "stp q26, q27, [{p}, #416]",
                        "stp q28, q29, [{p}, #448]", "stp q30, q31, [{p}, #480]",
                        p = in(reg) v.as_mut_ptr(),
                        options(nostack)
                    )
                };
                let fp = v.iter().filter(|&&w| w == cmd::SECRET).count() as u64;
                let el1 = (TPIDR_EL1.get() == cmd::SECRET) as u64 + (TPIDR_EL0.get() == cmd::SECRET) as u64;
                println!(
                    "registers holding sp0's secret: {fp} FP/SIMD halves, {el1} thread registers; VBAR_EL1 {:#x}",
                    VBAR_EL1.get()
                );
                [0, fp, el1, VBAR_EL1.get(), 0]
            }
            other => {
                println!("unknown command {other:#x}");
                [ffa::Error::NotSupported.code(), 0, 0, 0, 0]
            }
        }
    }
}
