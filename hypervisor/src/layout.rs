//! Where things live in physical memory, derived from the accepted board facts.
use core::fmt;

use programs::{BoardInfo, MemoryAccess, PartitionInfo};

use crate::stage2::Reserved;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
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

/// Is the 4 KiB page at `addr` one of partition `p`'s own read-write pages?
/// (What `FFA_RXTX_MAP` accepts as a buffer the partition manager writes.)
/// Checked without overflow: an address near 2^64 is nobody's page.
pub const fn owns_rw_page(p: &PartitionInfo, addr: u64) -> bool {
    const PAGE: u64 = 4096;
    if !addr.is_multiple_of(PAGE) {
        return false;
    }
    let regions = p.regions();
    let mut i = 0;
    while i < regions.len() {
        let r = &regions[i];
        if matches!(r.access(), MemoryAccess::ReadWrite)
            && addr >= r.base()
            && r.size() >= PAGE
            && addr - r.base() <= r.size() - PAGE
        {
            return true;
        }
        i += 1;
    }
    false
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
    fn rx_tx_buffers_are_the_partitions_own_rw_pages() {
        let parts = ACCEPTED.partitions();
        let (sp0, sp1) = (&parts[0], &parts[1]);
        let data = sp0
            .regions()
            .iter()
            .find(|r| matches!(r.access(), MemoryAccess::ReadWrite))
            .unwrap();
        let code = sp0
            .regions()
            .iter()
            .find(|r| matches!(r.access(), MemoryAccess::ReadExec))
            .unwrap();
        assert!(owns_rw_page(sp0, data.base()));
        assert!(owns_rw_page(sp0, data.base() + data.size() - 4096));
        assert!(!owns_rw_page(sp0, data.base() + data.size()), "one past the end");
        assert!(!owns_rw_page(sp0, data.base() + 8), "not page aligned");
        assert!(!owns_rw_page(sp0, code.base()), "its code is not rw");
        assert!(!owns_rw_page(sp1, data.base()), "another partition's memory");
        assert!(!owns_rw_page(sp0, ACCEPTED.board().image_base()), "the hypervisor's");
        // Near 2^64: `addr + PAGE` would wrap past every region's end.
        assert!(!owns_rw_page(sp0, 0xFFFF_FFFF_FFFF_F000));
    }

    #[test]
    fn image_must_fit_its_reservation() {
        let b = ACCEPTED.board();
        assert_eq!(check_image(b, b.image_base(), b.image_base() + 0x10_0000), Ok(()));
        assert!(check_image(b, b.image_base(), b.image_base() + b.image_size() + 1).is_err());
        assert!(check_image(b, b.image_base() - 0x1000, b.image_base()).is_err());
    }
}
