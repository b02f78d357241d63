//! Stage-2 translation tables (VMSAv8-64, 4 KiB granule, 39-bit IPA starting at
//! level 1), built by pure logic over a caller-provided pool of tables.
//!
//! Table addresses are the pool's own addresses: the image runs with an
//! identity map at EL2, so they are the physical addresses the MMU walks; on
//! the host they are only used to find tables again.
use core::fmt;

pub const PAGE_SIZE: u64 = 4096;
pub const BLOCK_2M: u64 = 2 << 20;
pub const IPA_BITS: u32 = 39;
const ENTRIES: usize = 512;

/// The most tables mapping `[base, base + size)` can add to a tree: one
/// level-2 table per 1 GiB it touches and one level-3 table per 2 MiB (an
/// upper bound: tables shared with other mappings, and 2 MiB blocks, need
/// fewer). How a configuration sizes its pools at compile time.
pub const fn tables_for(base: u64, size: u64) -> usize {
    if size == 0 {
        return 0;
    }
    let last = base.saturating_add(size - 1);
    ((last >> 30) - (base >> 30) + 1) as usize + ((last >> 21) - (base >> 21) + 1) as usize
}

/// One translation table.
#[derive(Clone, Copy)]
#[repr(C, align(4096))]
pub struct Table(pub [u64; ENTRIES]);

impl Table {
    pub const EMPTY: Table = Table([0; ENTRIES]);
}

const _: () = assert!(core::mem::size_of::<Table>() == PAGE_SIZE as usize);
const _: () = assert!(core::mem::align_of::<Table>() == PAGE_SIZE as usize);

/// Access permissions of a mapping (stage 2: S2AP and XN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    ReadOnly,
    ReadWrite,
    ReadExec,
}

/// Memory type of a mapping (stage-2 MemAttr).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemType {
    /// Normal, inner/outer write-back cacheable.
    Normal,
    /// Device-nGnRE.
    Device,
}

/// A range no guest may ever see (the hypervisor's own memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reserved {
    pub name: &'static str,
    pub base: u64,
    pub size: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// An address or size is not a multiple of the 4 KiB granule.
    Misaligned { what: &'static str, value: u64 },
    /// A zero-sized mapping.
    Empty,
    /// The IPA range does not fit the IPA space.
    OutOfRange { ipa: u64, size: u64 },
    /// The output range touches memory reserved for the hypervisor.
    Forbidden { pa: u64, size: u64, reserved: Reserved },
    /// The IPA is already mapped.
    AlreadyMapped { ipa: u64 },
    /// The pool has no free table left.
    OutOfTables { capacity: usize },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MapError::Misaligned { what, value } => {
                write!(f, "rule `stage-2 mappings are 4 KiB aligned`: {what} {value:#x} is not")
            }
            MapError::Empty => write!(f, "rule `a mapping is not empty`: size is 0"),
            MapError::OutOfRange { ipa, size } => {
                write!(f, "rule `IPAs fit {IPA_BITS} bits`: {ipa:#x} + {size:#x} does not")
            }
            MapError::Forbidden { pa, size, reserved } => write!(
                f,
                "rule `{} memory is never mapped into a guest`: {pa:#x}..{:#x} overlaps {:#x}..{:#x}",
                reserved.name,
                pa + size,
                reserved.base,
                reserved.base + reserved.size
            ),
            MapError::AlreadyMapped { ipa } => write!(f, "rule `an IPA is mapped once`: {ipa:#x} is already mapped"),
            MapError::OutOfTables { capacity } => {
                write!(
                    f,
                    "rule `tables come from the partition's pool`: all {capacity} tables used"
                )
            }
        }
    }
}

/// A resolved translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation {
    pub pa: u64,
    pub perm: Perm,
    pub mem: MemType,
    /// 2 for a 2 MiB block, 3 for a 4 KiB page.
    pub level: u8,
}

mod desc {
    pub const VALID: u64 = 1 << 0;
    pub const TABLE: u64 = 1 << 1; // table (levels 1-2) or page (level 3)
    pub const AF: u64 = 1 << 10;
    pub const SH_INNER: u64 = 0b11 << 8;
    pub const S2AP_RO: u64 = 0b01 << 6;
    pub const S2AP_RW: u64 = 0b11 << 6;
    pub const S2AP_MASK: u64 = 0b11 << 6;
    pub const XN: u64 = 0b10 << 53;
    pub const MEMATTR_NORMAL_WB: u64 = 0b1111 << 2;
    pub const MEMATTR_DEVICE_NGNRE: u64 = 0b0001 << 2;
    pub const MEMATTR_MASK: u64 = 0b1111 << 2;
    pub const ADDR_MASK: u64 = 0x0000_FFFF_FFFF_F000;
}

/// VTCR_EL2 for these tables: T0SZ = 25 (39-bit IPA), SL0 = 1 (start at level 1),
/// write-back inner-shareable walks, 4 KiB granule, PS = 40 bits.
pub const VTCR_EL2: u64 =
    (64 - IPA_BITS as u64) | (0b01 << 6) | (0b01 << 8) | (0b01 << 10) | (0b11 << 12) | (0b010 << 16) | (1 << 31);

const fn leaf_attrs(perm: Perm, mem: MemType) -> u64 {
    let ap = match perm {
        Perm::ReadOnly => desc::S2AP_RO | desc::XN,
        Perm::ReadWrite => desc::S2AP_RW | desc::XN,
        Perm::ReadExec => desc::S2AP_RO,
    };
    let m = match mem {
        MemType::Normal => desc::MEMATTR_NORMAL_WB | desc::SH_INNER,
        MemType::Device => desc::MEMATTR_DEVICE_NGNRE | desc::XN,
    };
    desc::VALID | desc::AF | ap | m
}

fn decode_leaf(d: u64, pa: u64, level: u8) -> Translation {
    let perm = match (d & desc::S2AP_MASK == desc::S2AP_RW, d & desc::XN != 0) {
        (true, _) => Perm::ReadWrite,
        (false, true) => Perm::ReadOnly,
        (false, false) => Perm::ReadExec,
    };
    let mem = if d & desc::MEMATTR_MASK == desc::MEMATTR_NORMAL_WB {
        MemType::Normal
    } else {
        MemType::Device
    };
    Translation { pa, perm, mem, level }
}

const fn index(ipa: u64, level: u8) -> usize {
    ((ipa >> (39 - 9 * level as u64)) & 0x1FF) as usize
}

/// A stage-2 table tree over a pool; table 0 is the root (level 1).
pub struct Stage2<'a> {
    pool: &'a mut [Table],
    used: usize,
    reserved: &'a [Reserved],
}

impl<'a> Stage2<'a> {
    /// Start an empty tree. The pool must have at least one table.
    pub fn new(pool: &'a mut [Table], reserved: &'a [Reserved]) -> Result<Self, MapError> {
        if pool.is_empty() {
            return Err(MapError::OutOfTables { capacity: 0 });
        }
        for t in pool.iter_mut() {
            *t = Table::EMPTY;
        }
        Ok(Self {
            pool,
            used: 1,
            reserved,
        })
    }

    fn table_pa(&self, i: usize) -> u64 {
        &self.pool[i] as *const Table as u64
    }

    fn table_index(&self, pa: u64) -> usize {
        let base = self.table_pa(0);
        ((pa - base) / PAGE_SIZE) as usize
    }

    /// Physical address of the root table (VTTBR_EL2.BADDR).
    pub fn root(&self) -> u64 {
        self.table_pa(0)
    }

    /// VTTBR_EL2 for this tree and `vmid`.
    pub fn vttbr(&self, vmid: u8) -> u64 {
        self.root() | ((vmid as u64) << 48)
    }

    /// Tables used so far.
    pub fn tables_used(&self) -> usize {
        self.used
    }

    fn alloc(&mut self) -> Result<usize, MapError> {
        if self.used == self.pool.len() {
            return Err(MapError::OutOfTables {
                capacity: self.pool.len(),
            });
        }
        self.used += 1;
        Ok(self.used - 1)
    }

    /// The next-level table of entry `idx` in table `t`, created if absent.
    fn next_table(&mut self, t: usize, idx: usize, ipa: u64) -> Result<usize, MapError> {
        let d = self.pool[t].0[idx];
        if d & desc::VALID == 0 {
            let n = self.alloc()?;
            self.pool[t].0[idx] = self.table_pa(n) | desc::VALID | desc::TABLE;
            Ok(n)
        } else if d & desc::TABLE != 0 {
            Ok(self.table_index(d & desc::ADDR_MASK))
        } else {
            Err(MapError::AlreadyMapped { ipa })
        }
    }

    /// Map `ipa..ipa+size` to `pa..pa+size`. Uses 2 MiB blocks where both sides
    /// are 2 MiB aligned, 4 KiB pages elsewhere. On error nothing new is mapped
    /// unless the pool ran out midway (tables already linked stay, empty).
    pub fn map(&mut self, ipa: u64, pa: u64, size: u64, perm: Perm, mem: MemType) -> Result<(), MapError> {
        for (what, value) in [("ipa", ipa), ("pa", pa), ("size", size)] {
            if value % PAGE_SIZE != 0 {
                return Err(MapError::Misaligned { what, value });
            }
        }
        if size == 0 {
            return Err(MapError::Empty);
        }
        match ipa.checked_add(size) {
            Some(end) if end <= 1u64 << IPA_BITS => {}
            Some(_) | None => return Err(MapError::OutOfRange { ipa, size }),
        }
        let Some(pa_end) = pa.checked_add(size) else {
            return Err(MapError::OutOfRange { ipa: pa, size });
        };
        for r in self.reserved {
            if pa < r.base + r.size && r.base < pa_end {
                return Err(MapError::Forbidden { pa, size, reserved: *r });
            }
        }
        let mut off = 0;
        while off < size {
            if let Some(_t) = self.translate(ipa + off) {
                return Err(MapError::AlreadyMapped { ipa: ipa + off });
            }
            off += PAGE_SIZE;
        }
        let attrs = leaf_attrs(perm, mem);
        let mut off = 0;
        while off < size {
            let (i, p) = (ipa + off, pa + off);
            let l2 = self.next_table(0, index(i, 1), i)?;
            if i % BLOCK_2M == 0 && p % BLOCK_2M == 0 && size - off >= BLOCK_2M && self.pool[l2].0[index(i, 2)] == 0 {
                self.pool[l2].0[index(i, 2)] = p | attrs; // block: bit 1 clear
                off += BLOCK_2M;
            } else {
                let l3 = self.next_table(l2, index(i, 2), i)?;
                self.pool[l3].0[index(i, 3)] = p | attrs | desc::TABLE;
                off += PAGE_SIZE;
            }
        }
        Ok(())
    }

    /// Walk the tree for `ipa`.
    pub fn translate(&self, ipa: u64) -> Option<Translation> {
        if ipa >> IPA_BITS != 0 {
            return None;
        }
        let d1 = self.pool[0].0[index(ipa, 1)];
        if d1 & desc::VALID == 0 || d1 & desc::TABLE == 0 {
            return None; // no level-1 blocks are made
        }
        let t2 = self.table_index(d1 & desc::ADDR_MASK);
        let d2 = self.pool[t2].0[index(ipa, 2)];
        if d2 & desc::VALID == 0 {
            return None;
        }
        if d2 & desc::TABLE == 0 {
            let pa = (d2 & desc::ADDR_MASK & !(BLOCK_2M - 1)) | (ipa & (BLOCK_2M - 1));
            return Some(decode_leaf(d2, pa, 2));
        }
        let t3 = self.table_index(d2 & desc::ADDR_MASK);
        let d3 = self.pool[t3].0[index(ipa, 3)];
        if d3 & desc::VALID == 0 {
            return None;
        }
        Some(decode_leaf(d3, (d3 & desc::ADDR_MASK) | (ipa & (PAGE_SIZE - 1)), 3))
    }

    /// Every leaf mapping as (ipa, translation, size), in IPA order.
    pub fn for_each_leaf(&self, mut f: impl FnMut(u64, Translation, u64)) {
        for i1 in 0..ENTRIES {
            let d1 = self.pool[0].0[i1];
            if d1 & desc::VALID == 0 || d1 & desc::TABLE == 0 {
                continue;
            }
            let t2 = self.table_index(d1 & desc::ADDR_MASK);
            for i2 in 0..ENTRIES {
                let d2 = self.pool[t2].0[i2];
                let ipa2 = ((i1 as u64) << 30) | ((i2 as u64) << 21);
                if d2 & desc::VALID == 0 {
                    continue;
                }
                if d2 & desc::TABLE == 0 {
                    f(ipa2, decode_leaf(d2, d2 & desc::ADDR_MASK, 2), BLOCK_2M);
                    continue;
                }
                let t3 = self.table_index(d2 & desc::ADDR_MASK);
                for i3 in 0..ENTRIES {
                    let d3 = self.pool[t3].0[i3];
                    if d3 & desc::VALID != 0 {
                        f(
                            ipa2 | ((i3 as u64) << 12),
                            decode_leaf(d3, d3 & desc::ADDR_MASK, 3),
                            PAGE_SIZE,
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: Reserved = Reserved {
        name: "hypervisor image",
        base: 0x4020_0000,
        size: 0x0100_0000,
    };

    fn pool(n: usize) -> Vec<Table> {
        vec![Table::EMPTY; n]
    }

    #[test]
    fn vtcr_fields() {
        assert_eq!(VTCR_EL2 & 0x3F, 25);
        assert_eq!((VTCR_EL2 >> 6) & 3, 1);
        assert_eq!((VTCR_EL2 >> 14) & 3, 0, "4 KiB granule");
        assert_eq!((VTCR_EL2 >> 16) & 7, 0b010);
    }

    #[test]
    fn pages_and_blocks_translate_with_permissions() {
        let mut p = pool(8);
        let reserved = [IMAGE];
        let mut s = Stage2::new(&mut p, &reserved).unwrap();
        // 64 KiB code (read+exec) then RAM rest of 2 MiB (rw), then a 2 MiB block.
        s.map(0x4140_0000, 0x4140_0000, 0x1_0000, Perm::ReadExec, MemType::Normal)
            .unwrap();
        s.map(
            0x4141_0000,
            0x4141_0000,
            BLOCK_2M - 0x1_0000,
            Perm::ReadWrite,
            MemType::Normal,
        )
        .unwrap();
        s.map(0x4160_0000, 0x4260_0000, BLOCK_2M, Perm::ReadOnly, MemType::Normal)
            .unwrap();
        assert_eq!(s.tables_used(), 3, "root, one L2, one L3 (the block needs none)");
        let t = s.translate(0x4140_0123).unwrap();
        assert_eq!(
            t,
            Translation {
                pa: 0x4140_0123,
                perm: Perm::ReadExec,
                mem: MemType::Normal,
                level: 3
            }
        );
        assert_eq!(s.translate(0x4141_0008).unwrap().perm, Perm::ReadWrite);
        assert_eq!(s.translate(0x415F_FFF8).unwrap().pa, 0x415F_FFF8);
        let b = s.translate(0x4170_0010).unwrap();
        assert_eq!((b.pa, b.perm, b.level), (0x4270_0010, Perm::ReadOnly, 2));
        assert_eq!(s.translate(0x4180_0000), None);
        assert_eq!(s.translate(0x0900_0000), None, "devices are not mapped");
        assert_eq!(s.translate(1 << 40), None);
        assert_eq!(s.vttbr(3) >> 48, 3);
        assert_eq!(s.vttbr(3) & 0xFFF, 0, "root is 4 KiB aligned");
    }

    #[test]
    fn device_mapping_is_device_memory_and_never_executable() {
        let mut p = pool(4);
        let mut s = Stage2::new(&mut p, &[]).unwrap();
        s.map(0x0900_0000, 0x0900_0000, 0x1000, Perm::ReadExec, MemType::Device)
            .unwrap();
        let t = s.translate(0x0900_0000).unwrap();
        assert_eq!(t.mem, MemType::Device);
        assert_eq!(t.perm, Perm::ReadOnly, "XN forced for device memory");
    }

    #[test]
    fn hypervisor_memory_is_never_mapped() {
        let mut p = pool(8);
        let reserved = [IMAGE];
        let mut s = Stage2::new(&mut p, &reserved).unwrap();
        for (pa, size) in [
            (IMAGE.base, 0x1000),
            (IMAGE.base - 0x1000, 0x2000),
            (IMAGE.base + IMAGE.size - 0x1000, 0x1000),
            (0x4000_0000, 0x4000_0000),
        ] {
            assert_eq!(
                s.map(0x1000_0000, pa, size, Perm::ReadWrite, MemType::Normal),
                Err(MapError::Forbidden {
                    pa,
                    size,
                    reserved: IMAGE
                })
            );
        }
        // Adjacent ranges are fine.
        s.map(
            0x4000_0000,
            IMAGE.base - BLOCK_2M,
            BLOCK_2M,
            Perm::ReadWrite,
            MemType::Normal,
        )
        .unwrap();
        s.map(
            0x4400_0000,
            IMAGE.base + IMAGE.size,
            BLOCK_2M,
            Perm::ReadWrite,
            MemType::Normal,
        )
        .unwrap();
        let mut leaves = 0;
        s.for_each_leaf(|_, t, size| {
            leaves += 1;
            assert!(t.pa + size <= IMAGE.base || t.pa >= IMAGE.base + IMAGE.size, "{t:?}");
        });
        assert_eq!(leaves, 2);
        let msg = std::format!(
            "{}",
            MapError::Forbidden {
                pa: IMAGE.base,
                size: 0x1000,
                reserved: IMAGE
            }
        );
        assert!(
            msg.contains("hypervisor image memory is never mapped into a guest"),
            "{msg}"
        );
    }

    #[test]
    fn alignment_range_overlap_and_pool_errors() {
        let mut p = pool(3);
        let mut s = Stage2::new(&mut p, &[]).unwrap();
        assert_eq!(
            s.map(0x1001, 0, 0x1000, Perm::ReadWrite, MemType::Normal),
            Err(MapError::Misaligned {
                what: "ipa",
                value: 0x1001
            })
        );
        assert_eq!(
            s.map(0x1000, 0x800, 0x1000, Perm::ReadWrite, MemType::Normal),
            Err(MapError::Misaligned {
                what: "pa",
                value: 0x800
            })
        );
        assert_eq!(
            s.map(0x1000, 0, 0x1800, Perm::ReadWrite, MemType::Normal),
            Err(MapError::Misaligned {
                what: "size",
                value: 0x1800
            })
        );
        assert_eq!(
            s.map(0x1000, 0, 0, Perm::ReadWrite, MemType::Normal),
            Err(MapError::Empty)
        );
        assert_eq!(
            s.map((1 << 39) - 0x1000, 0, 0x2000, Perm::ReadWrite, MemType::Normal),
            Err(MapError::OutOfRange {
                ipa: (1 << 39) - 0x1000,
                size: 0x2000
            })
        );
        s.map(0x1000, 0x8000_0000, 0x2000, Perm::ReadWrite, MemType::Normal)
            .unwrap();
        assert_eq!(
            s.map(0x2000, 0x9000_0000, 0x1000, Perm::ReadWrite, MemType::Normal),
            Err(MapError::AlreadyMapped { ipa: 0x2000 })
        );
        // Root + L2 + L3 used: a second L2 is needed for another GiB.
        assert_eq!(
            s.map(1 << 30, 1 << 30, 0x1000, Perm::ReadWrite, MemType::Normal),
            Err(MapError::OutOfTables { capacity: 3 })
        );
        let mut empty: [Table; 0] = [];
        assert!(Stage2::new(&mut empty, &[]).is_err());
    }

    #[test]
    fn block_then_page_inside_it_is_already_mapped() {
        let mut p = pool(4);
        let mut s = Stage2::new(&mut p, &[]).unwrap();
        s.map(0x4000_0000, 0x4000_0000, BLOCK_2M, Perm::ReadWrite, MemType::Normal)
            .unwrap();
        assert_eq!(
            s.map(0x4000_1000, 0x5000_0000, 0x1000, Perm::ReadWrite, MemType::Normal),
            Err(MapError::AlreadyMapped { ipa: 0x4000_1000 })
        );
    }
}
