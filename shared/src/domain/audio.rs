//! What an uploaded file really is, read from its bytes (never from its name or the client's
//! content type): a WAV file's RIFF `fmt ` and `data` chunks, or an MP3's frame headers (and its
//! Xing/Info frame count when it has one), giving the format and the duration.

use std::fmt;

crate::text_enum! {
    pub enum AudioFormat { Wav => "wav", Mp3 => "mp3" }
}

impl AudioFormat {
    /// What the audio is served as.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Wav => "audio/wav",
            Self::Mp3 => "audio/mpeg",
        }
    }
}

/// What the bytes hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioInfo {
    pub format: AudioFormat,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioError {
    Empty,
    /// Neither a RIFF/WAVE header nor an MPEG audio frame at the start.
    NotAudio,
    /// Recognised, but broken or not something telephony plays; says what.
    Unplayable(&'static str),
}

impl fmt::Display for AudioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the file is empty"),
            Self::NotAudio => f.write_str("the file is neither WAV nor MP3 audio"),
            Self::Unplayable(why) => f.write_str(why),
        }
    }
}

/// Reads `bytes` as WAV or MP3.
pub fn probe(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    if bytes.is_empty() {
        return Err(AudioError::Empty);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
        return wav(bytes);
    }
    mp3(bytes)
}

fn u16_le(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// PCM, IEEE float, A-law, µ-law and their extensible form.
const WAV_ENCODINGS: [u16; 5] = [1, 3, 6, 7, 0xFFFE];

fn wav(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_le(bytes, at + 4).unwrap_or(0) as usize;
        let body = at + 8;
        match id {
            b"fmt " => {
                let encoding = u16_le(bytes, body)
                    .ok_or(AudioError::Unplayable("the WAV fmt chunk is cut short"))?;
                if !WAV_ENCODINGS.contains(&encoding) {
                    return Err(AudioError::Unplayable(
                        "the WAV encoding is not PCM, float, A-law or µ-law",
                    ));
                }
                let rate = u32_le(bytes, body + 8)
                    .ok_or(AudioError::Unplayable("the WAV fmt chunk is cut short"))?;
                if rate == 0 {
                    return Err(AudioError::Unplayable("the WAV fmt chunk has no byte rate"));
                }
                byte_rate = Some(u64::from(rate));
            }
            b"data" => {
                let rate = byte_rate.ok_or(AudioError::Unplayable(
                    "the WAV data chunk comes before its fmt chunk",
                ))?;
                // A streamed WAV may state a size larger than the file; count what is there.
                let samples = size.min(bytes.len() - body) as u64;
                if samples == 0 {
                    return Err(AudioError::Unplayable("the WAV file holds no audio"));
                }
                return Ok(AudioInfo {
                    format: AudioFormat::Wav,
                    duration_ms: samples * 1000 / rate,
                });
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        at = body.saturating_add(size).saturating_add(size & 1);
    }
    Err(AudioError::Unplayable("the WAV file has no data chunk"))
}

/// One MPEG-1/2/2.5 Layer III frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    mpeg1: bool,
    mono: bool,
    sample_rate: u32,
    /// The frame's whole length in bytes, header included.
    length: usize,
}

impl Frame {
    fn samples(self) -> u64 {
        if self.mpeg1 { 1152 } else { 576 }
    }

    /// Where the Xing/Info tag would start: after the header and the side information.
    fn xing_offset(self) -> usize {
        4 + match (self.mpeg1, self.mono) {
            (true, false) => 32,
            (true, true) | (false, false) => 17,
            (false, true) => 9,
        }
    }
}

const BITRATES_MPEG1: [u32; 15] = [
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
const BITRATES_MPEG2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

fn frame_at(bytes: &[u8], at: usize) -> Option<Frame> {
    let h = bytes.get(at..at + 4)?;
    if h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (h[1] >> 3) & 3;
    let layer = (h[1] >> 1) & 3;
    // Layer III only (01 in the header); version 01 is reserved.
    if layer != 1 || version == 1 {
        return None;
    }
    let mpeg1 = version == 3;
    let bitrate_index = usize::from(h[2] >> 4);
    let rate_index = usize::from((h[2] >> 2) & 3);
    if bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    let bitrate = if mpeg1 {
        BITRATES_MPEG1[bitrate_index]
    } else {
        BITRATES_MPEG2[bitrate_index]
    } * 1000;
    let sample_rate = match version {
        3 => [44_100, 48_000, 32_000][rate_index],
        2 => [22_050, 24_000, 16_000][rate_index],
        _ => [11_025, 12_000, 8_000][rate_index],
    };
    let padding = usize::from((h[2] >> 1) & 1);
    let per_frame = if mpeg1 { 144 } else { 72 };
    let length = (per_frame * bitrate / sample_rate) as usize + padding;
    Some(Frame {
        mpeg1,
        mono: h[3] >> 6 == 3,
        sample_rate,
        length,
    })
}

/// Skips an ID3v2 tag (its size is "syncsafe": 7 bits a byte).
fn after_id3(bytes: &[u8]) -> usize {
    if bytes.len() < 10 || &bytes[..3] != b"ID3" {
        return 0;
    }
    let size = bytes[6..10]
        .iter()
        .fold(0usize, |n, b| (n << 7) | usize::from(b & 0x7F));
    let footer = if bytes[5] & 0x10 != 0 { 10 } else { 0 };
    10 + size + footer
}

fn mp3(bytes: &[u8]) -> Result<AudioInfo, AudioError> {
    let start = after_id3(bytes);
    let first = frame_at(bytes, start).ok_or(if start > 0 {
        AudioError::Unplayable("the file has an ID3 tag but no MP3 audio after it")
    } else {
        AudioError::NotAudio
    })?;
    // A second frame where the first one ends (unless the file ends there) rules out two bytes
    // that only look like a frame header.
    let next = start + first.length;
    if next + 4 <= bytes.len() && frame_at(bytes, next).is_none() {
        return Err(AudioError::NotAudio);
    }
    let tag = start + first.xing_offset();
    if let Some(b"Xing" | b"Info") = bytes.get(tag..tag + 4)
        && let Some(flags) = u32_be(bytes, tag + 4)
        && flags & 1 != 0
        && let Some(frames) = u32_be(bytes, tag + 8)
    {
        return Ok(AudioInfo {
            format: AudioFormat::Mp3,
            duration_ms: u64::from(frames) * first.samples() * 1000 / u64::from(first.sample_rate),
        });
    }
    // No frame count: walk the frames (a variable bitrate changes each frame's length).
    let mut at = start;
    let mut samples_ms = 0u64;
    while let Some(frame) = frame_at(bytes, at) {
        if at + frame.length > bytes.len() {
            break;
        }
        samples_ms += frame.samples() * 1000 * 1000 / u64::from(frame.sample_rate);
        at += frame.length;
    }
    if samples_ms == 0 {
        return Err(AudioError::Unplayable(
            "the MP3 file holds no complete frame",
        ));
    }
    Ok(AudioInfo {
        format: AudioFormat::Mp3,
        duration_ms: samples_ms / 1000,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PCM WAV of `ms` milliseconds, 8 kHz mono 16-bit, with a `LIST` chunk before `data`.
    fn wav_of(ms: u32) -> Vec<u8> {
        let data = vec![0u8; (16 * ms) as usize];
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(4 + 24 + 12 + 8 + data.len() as u32).to_le_bytes());
        b.extend_from_slice(b"WAVE");
        b.extend_from_slice(b"fmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&8000u32.to_le_bytes());
        b.extend_from_slice(&16_000u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"LIST");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(b"abc\0");
        b.extend_from_slice(b"data");
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(&data);
        b
    }

    /// `frames` MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz stereo (417 bytes, no padding).
    fn mp3_of(frames: usize, id3: bool) -> Vec<u8> {
        let mut b = Vec::new();
        if id3 {
            b.extend_from_slice(b"ID3\x03\x00\x00\x00\x00\x01\x00");
            b.extend_from_slice(&[0u8; 128]);
        }
        for _ in 0..frames {
            let mut frame = vec![0u8; 417];
            frame[..4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x00]);
            b.extend_from_slice(&frame);
        }
        b
    }

    #[test]
    fn wav_duration_comes_from_the_data_chunk_and_byte_rate() {
        let info = probe(&wav_of(2500)).unwrap();
        assert_eq!(
            info,
            AudioInfo {
                format: AudioFormat::Wav,
                duration_ms: 2500
            }
        );
    }

    #[test]
    fn mp3_duration_is_counted_in_frames_after_an_id3_tag() {
        // 100 frames × 1152 samples / 44 100 Hz = 2.612 s.
        let info = probe(&mp3_of(100, true)).unwrap();
        assert_eq!(
            info,
            AudioInfo {
                format: AudioFormat::Mp3,
                duration_ms: 2612
            }
        );
    }

    #[test]
    fn a_xing_frame_count_is_believed() {
        let mut b = mp3_of(3, false);
        let tag = 4 + 32;
        b[tag..tag + 4].copy_from_slice(b"Xing");
        b[tag + 4..tag + 8].copy_from_slice(&1u32.to_be_bytes());
        b[tag + 8..tag + 12].copy_from_slice(&3828u32.to_be_bytes());
        // 3828 × 1152 / 44 100 = 99.996 s
        assert_eq!(probe(&b).unwrap().duration_ms, 99_996);
    }

    #[test]
    fn text_empty_and_broken_files_are_refused() {
        assert_eq!(probe(b""), Err(AudioError::Empty));
        assert_eq!(probe(b"hello, this is text\n"), Err(AudioError::NotAudio));
        // One frame-like header followed by garbage is not an MP3.
        let mut fake = mp3_of(1, false);
        fake.extend_from_slice(b"not a frame");
        assert_eq!(probe(&fake), Err(AudioError::NotAudio));
        let mut no_data = wav_of(10);
        no_data.truncate(12 + 24);
        assert_eq!(
            probe(&no_data),
            Err(AudioError::Unplayable("the WAV file has no data chunk"))
        );
        let mut adpcm = wav_of(10);
        adpcm[20] = 2;
        assert!(matches!(probe(&adpcm), Err(AudioError::Unplayable(_))));
    }
}
