//! Line buffering for guest console output, so each line can be printed whole
//! with the partition's name in front.

pub const LINE_MAX: usize = 120;

#[derive(Clone, Copy, Debug)]
pub struct LineBuf {
    buf: [u8; LINE_MAX],
    len: usize,
}

impl Default for LineBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl LineBuf {
    pub const fn new() -> Self {
        Self {
            buf: [0; LINE_MAX],
            len: 0,
        }
    }

    /// Add a byte; returns a complete line (without `\n`, `\r` dropped) when
    /// the byte ends one or the buffer is full.
    pub fn push(&mut self, b: u8) -> Option<&[u8]> {
        match b {
            b'\r' => None,
            b'\n' => {
                let n = core::mem::take(&mut self.len);
                Some(&self.buf[..n])
            }
            _ => {
                if self.len == LINE_MAX {
                    self.len = 0;
                }
                self.buf[self.len] = b;
                self.len += 1;
                if self.len == LINE_MAX {
                    Some(&self.buf[..LINE_MAX])
                } else {
                    None
                }
            }
        }
    }

    /// Take whatever is buffered (e.g. when the partition stops mid-line).
    pub fn flush(&mut self) -> Option<&[u8]> {
        if self.len == 0 {
            None
        } else {
            let n = core::mem::take(&mut self.len);
            Some(&self.buf[..n])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_overflow() {
        let mut l = LineBuf::new();
        for &b in b"hi\r" {
            assert_eq!(l.push(b), None);
        }
        assert_eq!(l.push(b'\n'), Some(&b"hi"[..]));
        assert_eq!(l.push(b'\n'), Some(&b""[..]));
        let mut full = None;
        for _ in 0..LINE_MAX {
            full = l.push(b'x').map(|s| s.len());
        }
        assert_eq!(full, Some(LINE_MAX));
        assert_eq!(l.push(b'y'), None);
        assert_eq!(l.flush(), Some(&b"y"[..]));
        assert_eq!(l.flush(), None);
    }
}
