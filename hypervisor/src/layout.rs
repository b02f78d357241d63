//! Where things live in physical memory, derived from the accepted board facts.
use core::fmt;

use programs::BoardInfo;

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
    fn image_must_fit_its_reservation() {
        let b = ACCEPTED.board();
        assert_eq!(check_image(b, b.image_base(), b.image_base() + 0x10_0000), Ok(()));
        assert!(check_image(b, b.image_base(), b.image_base() + b.image_size() + 1).is_err());
        assert!(check_image(b, b.image_base() - 0x1000, b.image_base()).is_err());
    }
}
