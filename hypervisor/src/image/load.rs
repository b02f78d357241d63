//! Loading the partitions of the accepted configuration: each one's program
//! (its ELF binary from `hypervisor/partitions`, checked against its memory
//! regions at compile time), its stage-2 tables, its emulated devices.
use core::cell::UnsafeCell;
use core::fmt;

use hypervisor::devices::{DeviceMap, Slot};
use hypervisor::elf::{self, Program};
use hypervisor::layout;
use hypervisor::linebuf::LineBuf;
use hypervisor::stage2::{self, MemType, Perm, Stage2, Table};
use programs::board::ACCEPTED;
use programs::{KindAccess, MemoryAccess, PartitionInfo};

use super::arch;
use super::context::El1Regs;
use super::fatal::InitError;
use super::sched::NUM_SP;
use super::vcpu::{MAX_GRANTS, Vcpu};
use super::vectors::GuestRegs;
use crate::kprintln;

include!(concat!(env!("OUT_DIR"), "/programs.rs"));

/// Every partition's program, parsed and checked against the partition's
/// memory regions at compile time: each loadable segment lies in one region
/// whose access allows it (code in `rx`, data in `rw`), and the entry point
/// is in code. A program that does not fit its partition does not build.
const LOADED: [Program; NUM_SP] = {
    use programs::__private::typevm::message::Message;
    let parts = ACCEPTED.partitions();
    let mut out = [Program::EMPTY; NUM_SP];
    let mut i = 0;
    while i < NUM_SP {
        match elf::check(PROGRAMS[i], &parts[i]) {
            Ok(p) => out[i] = p,
            Err(e) => {
                let mut m = Message::new();
                m.push_str("partition `");
                m.push_str(parts[i].name());
                m.push_str("`: its program (hypervisor/partitions/src/bin/");
                m.push_str(parts[i].name());
                m.push_str(".rs) cannot be loaded: ");
                m.push_str(e.describe());
                panic!("{}", m.as_str());
            }
        }
        i += 1;
    }
    out
};

/// Stage-2 tables per partition: the root and what its memory regions and
/// passed-through devices can need (`stage2::tables_for`), for the
/// partition that needs most.
const TABLES_PER_SP: usize = {
    let (parts, devices) = (ACCEPTED.partitions(), ACCEPTED.devices());
    let (mut max, mut i) = (0, 0);
    while i < parts.len() {
        let mut n = 1;
        let regions = parts[i].regions();
        let mut r = 0;
        while r < regions.len() {
            n += stage2::tables_for(regions[r].base(), regions[r].size());
            r += 1;
        }
        let grants = parts[i].grants();
        let mut g = 0;
        while g < grants.len() {
            let d = &devices[grants[g].device()];
            if matches!(d.kind().access(), KindAccess::Passthrough) {
                n += stage2::tables_for(d.base(), d.size());
            }
            g += 1;
        }
        if n > max {
            max = n;
        }
        i += 1;
    }
    max
};

struct Pools(UnsafeCell<[[Table; TABLES_PER_SP]; NUM_SP]>);
// SAFETY: the pools are written only by CPU 0 while building partitions (before
// any guest runs or other CPU starts); afterwards only the MMU reads them.
unsafe impl Sync for Pools {}
static POOLS: Pools = Pools(UnsafeCell::new([[Table::EMPTY; TABLES_PER_SP]; NUM_SP]));

/// (Re)load partition `p`'s program: zero every region, copy the segments,
/// make the bytes visible to a guest that starts with its MMU (and caches) off.
pub fn load_program(p: &PartitionInfo, program: &Program, image: &[u8]) {
    for r in p.regions() {
        // SAFETY: the region lies in board RAM outside the image, the device
        // windows and every other partition's memory (`MemoryPlaced`,
        // `MemoryDisjoint`), is identity-mapped Normal memory at EL2, and
        // nothing else uses it while the partition is not running.
        unsafe { core::ptr::write_bytes(r.base() as *mut u8, 0, r.size() as usize) };
    }
    for s in program.segments() {
        // SAFETY: `elf::check` (at compile time) put the segment inside one of
        // the partition's regions and its bytes inside the file.
        unsafe {
            core::ptr::copy_nonoverlapping(
                image.as_ptr().add(s.offset as usize),
                s.addr as *mut u8,
                s.file_size as usize,
            )
        };
    }
    for r in p.regions() {
        arch::sync_code(r.base(), r.size());
    }
}

/// The passed-through devices of a partition, for its `[load]` line.
struct Passed<'a>(&'a [Option<&'static programs::DeviceInfo>]);
impl fmt::Display for Passed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0.iter().flatten() {
            write!(f, "; passed through: {}@{:#x} (device memory)", d.name(), d.base())?;
        }
        Ok(())
    }
}

struct Names<'a>(&'a DeviceMap<MAX_GRANTS>);
impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            let s: &Slot = s;
            write!(
                f,
                "{}{}@{:#x}",
                if i == 0 { "" } else { " " },
                s.info.name(),
                s.info.base()
            )?;
        }
        Ok(())
    }
}

/// Build partition `i`: program, stage-2, device map, vCPU at its entry.
pub fn build(i: usize, epoch: u64) -> Result<Vcpu, InitError> {
    let config = &ACCEPTED.partitions()[i];
    let name = config.name();
    let program = LOADED[i];
    load_program(config, &program, PROGRAMS[i]);
    // SAFETY: only CPU 0 runs this, before any guest or secondary CPU
    // runs, and each partition takes its own pool `i` exactly once.
    let pool = unsafe { &mut (*POOLS.0.get())[i] };
    let reserved = [layout::reserved(ACCEPTED.board())];
    let mut s2 = Stage2::new(pool, &reserved).map_err(|err| InitError::Stage2 { name, err })?;
    for r in config.regions() {
        let perm = match r.access() {
            MemoryAccess::Read => Perm::ReadOnly,
            MemoryAccess::ReadWrite => Perm::ReadWrite,
            MemoryAccess::ReadExec => Perm::ReadExec,
        };
        s2.map(r.base(), r.base(), r.size(), perm, MemType::Normal)
            .map_err(|err| InitError::Stage2 { name, err })?;
    }
    // Passed-through devices: mapped as Device memory into the one
    // partition given them (`PassthroughGrantsExclusive`,
    // `ExclusiveGrantsOnce`), whole pages that share none with another
    // window (`WindowsAligned`, `SharedPagesTrapped`).
    let mut passed = [None; MAX_GRANTS];
    for (k, g) in config.grants().iter().enumerate() {
        let d = &ACCEPTED.devices()[g.device()];
        if matches!(d.kind().access(), KindAccess::Passthrough) {
            s2.map(d.base(), d.base(), d.size(), Perm::ReadWrite, MemType::Device)
                .map_err(|err| InitError::Stage2 { name, err })?;
            passed[k] = Some(d);
        }
    }
    let vttbr = s2.vttbr(i as u8 + 1);
    let tables = s2.tables_used();
    let devices = DeviceMap::<MAX_GRANTS>::build_granted(ACCEPTED.devices(), config, epoch)
        .map_err(|err| InitError::Devices { name, err })?;
    let (code, data): (u64, u64) = program.segments().iter().fold((0, 0), |(c, d), s| {
        if s.exec {
            (c + s.mem_size, d)
        } else {
            (c, d + s.mem_size)
        }
    });
    kprintln!(
        "[load] {name}: FF-A id {:#06x}, program {} bytes code + {} bytes data, entry {:#x}; stage-2 root {:#x} VMID {} ({} tables), devices: {}{}",
        config.id(),
        code,
        data,
        program.entry,
        vttbr & 0xFFFF_FFFF_FFFF,
        i + 1,
        tables,
        Names(&devices),
        Passed(&passed)
    );
    let mut v = Vcpu {
        regs: GuestRegs::default(),
        el1: El1Regs::reset(),
        program,
        image: PROGRAMS[i],
        vttbr,
        devices,
        line: LineBuf::new(),
        rxtx: None,
        slices: 0,
        faults: 0,
        mmio_exits: 0,
    };
    v.reset([0; 8]);
    Ok(v)
}
