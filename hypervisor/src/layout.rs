//! Where things live in physical memory, derived from the accepted board facts.
use core::fmt;

use programs::{BoardInfo, MemoryAccess, PartitionInfo};

use crate::stage2::Reserved;

/// One partition's memory as its loader sees it (guest RAM is identity-
/// mapped: IPA == PA): its memory regions of the accepted configuration,
/// one contiguous range that starts with its one `rx` region, which holds
/// its program (entered at its base, the stack at the top of the range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpLayout {
    pub ram_base: u64,
    pub ram_size: u64,
    pub code_size: u64,
}

impl SpLayout {
    /// Initial stack pointer: top of the partition's RAM.
    pub const fn stack_top(&self) -> u64 {
        self.ram_base + self.ram_size
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// The partition has no `rx` region to load its program into, or more than one.
    CodeRegions { partition: &'static str, found: usize },
    /// The `rx` region is not the partition's first, or a region does not
    /// start where the one before it ends.
    NotContiguous {
        partition: &'static str,
        region: &'static str,
    },
    /// The linked image does not fit the range the board reserves for it.
    ImageOutsideReservation {
        start: u64,
        end: u64,
        base: u64,
        limit: u64,
    },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LayoutError::CodeRegions { partition, found } => write!(
                f,
                "partition {partition}: rule `one rx region holds the program`: it has {found}"
            ),
            LayoutError::NotContiguous { partition, region } => write!(
                f,
                "partition {partition}: rule `regions are one range from the rx region up`: {region} does not continue it"
            ),
            LayoutError::ImageOutsideReservation {
                start,
                end,
                base,
                limit,
            } => write!(
                f,
                "hypervisor image: rule `the image lies in BoardInfo.image_base..+image_size`: {start:#x}..{end:#x} vs {base:#x}..{limit:#x}"
            ),
        }
    }
}

/// The hypervisor's memory, never mapped into a guest.
pub const fn reserved(board: &BoardInfo) -> Reserved {
    Reserved {
        name: "hypervisor image",
        base: board.image_base(),
        size: board.image_size(),
    }
}

/// The loader's view of partition `p`'s accepted memory regions (the checks
/// placed them in RAM, clear of the image, of devices and of each other).
pub const fn of(p: &PartitionInfo) -> Result<SpLayout, LayoutError> {
    let regions = p.regions();
    let mut code = 0;
    let mut i = 0;
    while i < regions.len() {
        if matches!(regions[i].access(), MemoryAccess::ReadExec) {
            code += 1;
        }
        i += 1;
    }
    if code != 1 {
        return Err(LayoutError::CodeRegions {
            partition: p.name(),
            found: code,
        });
    }
    if !matches!(regions[0].access(), MemoryAccess::ReadExec) {
        return Err(LayoutError::NotContiguous {
            partition: p.name(),
            region: regions[0].name(),
        });
    }
    let mut end = regions[0].base() + regions[0].size();
    let mut i = 1;
    while i < regions.len() {
        if regions[i].base() != end {
            return Err(LayoutError::NotContiguous {
                partition: p.name(),
                region: regions[i].name(),
            });
        }
        end += regions[i].size();
        i += 1;
    }
    Ok(SpLayout {
        ram_base: regions[0].base(),
        ram_size: end - regions[0].base(),
        code_size: regions[0].size(),
    })
}

/// Check that the linked image `start..end` lies in the board's reservation.
pub const fn check_image(board: &BoardInfo, start: u64, end: u64) -> Result<(), LayoutError> {
    let limit = board.image_base() + board.image_size();
    if start < board.image_base() || end > limit || start > end {
        Err(LayoutError::ImageOutsideReservation {
            start,
            end,
            base: board.image_base(),
            limit,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use programs::board::ACCEPTED;

    #[test]
    fn every_partition_is_one_range_from_its_code_region_clear_of_the_image() {
        let b = ACCEPTED.board();
        let r = reserved(b);
        for p in ACCEPTED.partitions() {
            let l = of(p).unwrap();
            assert_eq!(l.ram_base, p.regions()[0].base());
            assert_eq!(l.code_size, p.regions()[0].size());
            assert_eq!(l.ram_size, p.regions().iter().map(|r| r.size()).sum::<u64>());
            assert!(l.ram_base >= r.base + r.size || l.stack_top() <= r.base);
            assert!(l.ram_base >= b.ram_base() && l.stack_top() <= b.ram_base() + b.ram_size());
        }
    }

    #[test]
    fn image_must_fit_its_reservation() {
        let b = ACCEPTED.board();
        assert_eq!(check_image(b, b.image_base(), b.image_base() + 0x10_0000), Ok(()));
        assert!(check_image(b, b.image_base(), b.image_base() + b.image_size() + 1).is_err());
        assert!(check_image(b, b.image_base() - 0x1000, b.image_base()).is_err());
    }
}
