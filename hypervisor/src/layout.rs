//! Where things live in physical memory, derived from the accepted board facts.
use core::fmt;

use programs::BoardInfo;

use crate::stage2::{BLOCK_2M, Reserved};

/// RAM given to each partition.
pub const SP_RAM_SIZE: u64 = BLOCK_2M;
/// The first part of a partition's RAM holds its code: mapped read+exec.
pub const SP_CODE_SIZE: u64 = 0x1_0000;

/// One partition's memory (guest RAM is identity-mapped: IPA == PA).
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
    /// Partition RAM would run past the board's RAM.
    OutOfRam { index: usize, end: u64, ram_end: u64 },
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
            LayoutError::OutOfRam { index, end, ram_end } => write!(
                f,
                "partition #{index}: rule `partition RAM lies in board RAM`: ends at {end:#x}, RAM ends at {ram_end:#x}"
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

const fn align_up(x: u64, a: u64) -> u64 {
    (x + a - 1) & !(a - 1)
}

/// The hypervisor's memory, never mapped into a guest.
pub const fn reserved(board: &BoardInfo) -> Reserved {
    Reserved {
        name: "hypervisor image",
        base: board.image_base(),
        size: board.image_size(),
    }
}

/// RAM of partition `index`: 2 MiB blocks after the image's reservation.
pub const fn plan(board: &BoardInfo, index: usize) -> Result<SpLayout, LayoutError> {
    let first = align_up(board.image_base() + board.image_size(), BLOCK_2M);
    let base = first + index as u64 * SP_RAM_SIZE;
    let end = base + SP_RAM_SIZE;
    let ram_end = board.ram_base() + board.ram_size();
    if base < board.ram_base() || end > ram_end {
        return Err(LayoutError::OutOfRam { index, end, ram_end });
    }
    Ok(SpLayout {
        ram_base: base,
        ram_size: SP_RAM_SIZE,
        code_size: SP_CODE_SIZE,
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
    fn partitions_follow_the_image_and_never_overlap_it() {
        let b = ACCEPTED.board();
        let r = reserved(b);
        let mut prev_end = 0;
        for i in 0..8 {
            let l = plan(b, i).unwrap();
            assert_eq!(l.ram_base % BLOCK_2M, 0);
            assert!(l.ram_base >= r.base + r.size || l.ram_base + l.ram_size <= r.base);
            assert!(l.ram_base >= prev_end);
            assert!(l.ram_base >= b.ram_base() && l.stack_top() <= b.ram_base() + b.ram_size());
            prev_end = l.stack_top();
        }
    }

    #[test]
    fn too_many_partitions_run_out_of_ram() {
        let b = ACCEPTED.board();
        assert!(matches!(
            plan(b, 10_000),
            Err(LayoutError::OutOfRam { index: 10_000, .. })
        ));
    }

    #[test]
    fn image_must_fit_its_reservation() {
        let b = ACCEPTED.board();
        assert_eq!(check_image(b, b.image_base(), b.image_base() + 0x10_0000), Ok(()));
        assert!(check_image(b, b.image_base(), b.image_base() + b.image_size() + 1).is_err());
        assert!(check_image(b, b.image_base() - 0x1000, b.image_base()).is_err());
    }
}
