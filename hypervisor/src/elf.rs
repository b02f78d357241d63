//! The partitions' programs as the loader reads them: little-endian ELF64
//! executables for AArch64, whose `PT_LOAD` segments must each lie in one
//! memory region of the partition with the access the segment needs. Written
//! as `const fn`s so the image checks every partition's program against the
//! accepted configuration at compile time (`image/load.rs`).
use programs::{MemoryAccess, PartitionInfo};

/// Most loadable segments a program may have.
pub const MAX_SEGMENTS: usize = 8;

/// One `PT_LOAD` segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Where it goes (physical = virtual: partitions are linked at their IPA).
    pub addr: u64,
    /// Bytes in the file (copied), then `mem_size - file_size` zero bytes.
    pub file_size: u64,
    pub mem_size: u64,
    /// Offset of its bytes in the file.
    pub offset: u64,
    pub read: bool,
    pub write: bool,
    pub exec: bool,
}

/// A parsed program: entry point and loadable segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Program {
    pub entry: u64,
    pub segments: [Segment; MAX_SEGMENTS],
    pub count: usize,
}

impl Segment {
    const EMPTY: Segment = Segment {
        addr: 0,
        file_size: 0,
        mem_size: 0,
        offset: 0,
        read: false,
        write: false,
        exec: false,
    };
}

impl Program {
    /// No segments (a placeholder before a program is parsed).
    pub const EMPTY: Program = Program {
        entry: 0,
        segments: [Segment::EMPTY; MAX_SEGMENTS],
        count: 0,
    };

    pub fn segments(&self) -> &[Segment] {
        &self.segments[..self.count]
    }
}

/// Why a program cannot be loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfError {
    NotElf64LittleEndian,
    NotAarch64Executable,
    Truncated,
    TooManySegments,
    /// A segment lies in no region of the partition, or in one whose access
    /// does not allow what the segment needs.
    SegmentOutsideRegions {
        addr: u64,
        size: u64,
    },
    /// The entry point is not in an executable segment.
    EntryNotExecutable {
        entry: u64,
    },
}

impl ElfError {
    pub const fn describe(&self) -> &'static str {
        match self {
            ElfError::NotElf64LittleEndian => "not a little-endian ELF64 file",
            ElfError::NotAarch64Executable => "not an AArch64 executable (ET_EXEC, EM_AARCH64)",
            ElfError::Truncated => "truncated: a header or segment lies past the end of the file",
            ElfError::TooManySegments => "more loadable segments than elf::MAX_SEGMENTS",
            ElfError::SegmentOutsideRegions { .. } => {
                "a loadable segment lies outside the partition's memory regions, or in one whose access (r/rw/rx) does not allow the segment's"
            }
            ElfError::EntryNotExecutable { .. } => "the entry point is not in an executable segment",
        }
    }
}

const fn u16_at(b: &[u8], o: usize) -> u64 {
    (b[o] as u64) | (b[o + 1] as u64) << 8
}

const fn u32_at(b: &[u8], o: usize) -> u64 {
    u16_at(b, o) | u16_at(b, o + 2) << 16
}

const fn u64_at(b: &[u8], o: usize) -> u64 {
    u32_at(b, o) | u32_at(b, o + 4) << 32
}

const PT_LOAD: u64 = 1;
const PF_X: u64 = 1;
const PF_W: u64 = 2;
const PF_R: u64 = 4;
const EM_AARCH64: u64 = 183;
const ET_EXEC: u64 = 2;

/// Parse the ELF header and program headers.
pub const fn parse(b: &[u8]) -> Result<Program, ElfError> {
    if b.len() < 64 || b[0] != 0x7f || b[1] != b'E' || b[2] != b'L' || b[3] != b'F' || b[4] != 2 || b[5] != 1 {
        return Err(ElfError::NotElf64LittleEndian);
    }
    if u16_at(b, 16) != ET_EXEC || u16_at(b, 18) != EM_AARCH64 {
        return Err(ElfError::NotAarch64Executable);
    }
    let entry = u64_at(b, 24);
    let phoff = u64_at(b, 32) as usize;
    let phentsize = u16_at(b, 54) as usize;
    let phnum = u16_at(b, 56) as usize;
    if phentsize < 56 || phoff + phnum * phentsize > b.len() {
        return Err(ElfError::Truncated);
    }
    let mut p = Program {
        entry,
        ..Program::EMPTY
    };
    let mut i = 0;
    while i < phnum {
        let h = phoff + i * phentsize;
        if u32_at(b, h) == PT_LOAD && u64_at(b, h + 40) > 0 {
            if p.count == MAX_SEGMENTS {
                return Err(ElfError::TooManySegments);
            }
            let flags = u32_at(b, h + 4);
            let s = Segment {
                offset: u64_at(b, h + 8),
                addr: u64_at(b, h + 16),
                file_size: u64_at(b, h + 32),
                mem_size: u64_at(b, h + 40),
                read: flags & PF_R != 0,
                write: flags & PF_W != 0,
                exec: flags & PF_X != 0,
            };
            if s.file_size > s.mem_size || s.offset + s.file_size > b.len() as u64 {
                return Err(ElfError::Truncated);
            }
            p.segments[p.count] = s;
            p.count += 1;
        }
        i += 1;
    }
    Ok(p)
}

/// Does the segment lie in one region of `part` whose access allows it?
/// Executable segments need an `rx` region, writable ones an `rw` region.
pub const fn segment_fits(s: &Segment, part: &PartitionInfo) -> bool {
    let regions = part.regions();
    let mut i = 0;
    while i < regions.len() {
        let r = &regions[i];
        let inside =
            s.addr >= r.base() && s.addr - r.base() <= r.size() && s.mem_size <= r.size() - (s.addr - r.base());
        let allowed = match r.access() {
            MemoryAccess::Read => !s.write && !s.exec,
            MemoryAccess::ReadWrite => !s.exec,
            MemoryAccess::ReadExec => !s.write,
        };
        if inside && allowed {
            return true;
        }
        i += 1;
    }
    false
}

/// Parse `b` and check it against `part`'s regions: what the loader copies.
pub const fn check(b: &[u8], part: &PartitionInfo) -> Result<Program, ElfError> {
    let p = match parse(b) {
        Ok(p) => p,
        Err(e) => return Err(e),
    };
    let mut entry_ok = false;
    let mut i = 0;
    while i < p.count {
        let s = &p.segments[i];
        if !segment_fits(s, part) {
            return Err(ElfError::SegmentOutsideRegions {
                addr: s.addr,
                size: s.mem_size,
            });
        }
        if s.exec && p.entry >= s.addr && p.entry - s.addr < s.mem_size {
            entry_ok = true;
        }
        i += 1;
    }
    if !entry_ok {
        return Err(ElfError::EntryNotExecutable { entry: p.entry });
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use programs::board::ACCEPTED;

    /// A minimal ELF64 with the given (flags, addr, filesz, memsz) segments.
    fn elf(entry: u64, segs: &[(u64, u64, u64, u64)]) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56 * segs.len()];
        b[..6].copy_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1]);
        b[16..18].copy_from_slice(&2u16.to_le_bytes());
        b[18..20].copy_from_slice(&183u16.to_le_bytes());
        b[24..32].copy_from_slice(&entry.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes());
        b[54..56].copy_from_slice(&56u16.to_le_bytes());
        b[56..58].copy_from_slice(&(segs.len() as u16).to_le_bytes());
        for (i, &(flags, addr, filesz, memsz)) in segs.iter().enumerate() {
            let h = 64 + 56 * i;
            b[h..h + 4].copy_from_slice(&1u32.to_le_bytes());
            b[h + 4..h + 8].copy_from_slice(&(flags as u32).to_le_bytes());
            b[h + 8..h + 16].copy_from_slice(&0u64.to_le_bytes());
            b[h + 16..h + 24].copy_from_slice(&addr.to_le_bytes());
            b[h + 32..h + 40].copy_from_slice(&filesz.to_le_bytes());
            b[h + 40..h + 48].copy_from_slice(&memsz.to_le_bytes());
        }
        b
    }

    fn sp0() -> &'static PartitionInfo {
        &ACCEPTED.partitions()[0]
    }

    #[test]
    fn a_program_in_its_regions_is_accepted() {
        let b = elf(0x4120_0000, &[(5, 0x4120_0000, 16, 0x100), (6, 0x4121_0000, 0, 0x2000)]);
        let p = check(&b, sp0()).unwrap();
        assert_eq!(p.segments().len(), 2);
        assert!(p.segments()[0].exec && !p.segments()[1].exec && p.segments()[1].write);
    }

    #[test]
    fn segments_outside_or_with_the_wrong_access_are_refused() {
        // Code in the rw region.
        let b = elf(0x4121_0000, &[(5, 0x4121_0000, 16, 16)]);
        assert_eq!(
            check(&b, sp0()),
            Err(ElfError::SegmentOutsideRegions {
                addr: 0x4121_0000,
                size: 16
            })
        );
        // Writable data in the rx region.
        let b = elf(0x4120_0000, &[(5, 0x4120_0000, 16, 16), (6, 0x4120_1000, 0, 16)]);
        assert!(matches!(check(&b, sp0()), Err(ElfError::SegmentOutsideRegions { .. })));
        // Running past the end of the partition's memory.
        let b = elf(0x4120_0000, &[(5, 0x4120_0000, 16, 16), (6, 0x413f_f000, 0, 0x2000)]);
        assert!(matches!(check(&b, sp0()), Err(ElfError::SegmentOutsideRegions { .. })));
        // Another partition's memory.
        let b = elf(0x4140_0000, &[(5, 0x4140_0000, 16, 16)]);
        assert!(matches!(check(&b, sp0()), Err(ElfError::SegmentOutsideRegions { .. })));
    }

    #[test]
    fn malformed_files_are_named() {
        assert_eq!(parse(b"not an elf"), Err(ElfError::NotElf64LittleEndian));
        let mut b = elf(0, &[]);
        b[18] = 62;
        assert_eq!(parse(&b), Err(ElfError::NotAarch64Executable));
        let b = elf(0x4120_0000, &[(5, 0x4120_0000, 1 << 20, 1 << 20)]);
        assert_eq!(parse(&b), Err(ElfError::Truncated));
        let b = elf(0x4121_0000, &[(5, 0x4120_0000, 16, 16)]);
        assert_eq!(
            check(&b, sp0()),
            Err(ElfError::EntryNotExecutable { entry: 0x4121_0000 })
        );
    }
}
