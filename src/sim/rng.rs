//! Random streams: one documented generator (ChaCha8), forked per run, turn and purpose.
//!
//! Every random number a run uses comes from a stream named by (run key, purpose, turn).
//! Adding a draw for one purpose or turn never shifts the numbers of another, and two runs
//! with the same key draw the same numbers for the same purpose whatever they chose: the
//! basis of common random numbers when comparing plans.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::turn::Streams;
use crate::scenario::expr::{Draws, LANES, LaneDraws};

/// What a stream is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    Parameters = 0,
    Effects = 1,
    Rules = 2,
    Events = 3,
    EventEffects = 4,
}

/// The 256-bit key of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunKey([u8; 32]);

impl RunKey {
    /// The key of run `index` of an ensemble seeded with `seed` (a single run is index 0).
    pub fn new(seed: u64, index: u64) -> Self {
        let mixed = splitmix64(seed ^ splitmix64(index.wrapping_add(0x5EED)));
        // `seed_from_u64` is documented as value-stable (rand_core's SeedableRng).
        Self(ChaCha8Rng::seed_from_u64(mixed).get_seed())
    }

    /// The stream for one purpose on one turn.
    pub fn stream(&self, purpose: Purpose, turn: usize) -> Stream {
        let mut rng = ChaCha8Rng::from_seed(self.0);
        rng.set_stream(stream_id(purpose, turn));
        Stream(rng)
    }
}

/// A stream of uniform numbers in [0, 1).
#[derive(Clone)]
pub struct Stream(ChaCha8Rng);

/// A stream opened only when first drawn from: on most turns most purposes draw nothing,
/// and opening a stream costs more than many of the draws made from it.
#[derive(Clone)]
pub struct LazyStream {
    key: RunKey,
    purpose: Purpose,
    turn: usize,
    open: Option<Stream>,
}

impl RunKey {
    /// The stream for one purpose on one turn, opened at its first draw.
    pub fn lazy_stream(&self, purpose: Purpose, turn: usize) -> LazyStream {
        LazyStream {
            key: *self,
            purpose,
            turn,
            open: None,
        }
    }
}

impl Draws for LazyStream {
    fn uniform01(&mut self) -> f64 {
        let Self {
            key,
            purpose,
            turn,
            open,
        } = self;
        open.get_or_insert_with(|| key.stream(*purpose, *turn))
            .uniform01()
    }
}

/// A played run's streams: the turn opens one purpose after another.
impl LaneDraws for LazyStream {
    fn uniform01(&mut self, _lane: usize) -> f64 {
        Draws::uniform01(self)
    }
}

impl Streams<1> for LazyStream {
    fn open(&mut self, purpose: Purpose, turn: usize) {
        *self = self.key.lazy_stream(purpose, turn);
    }

    fn skip_each(&mut self, _lanes: usize) {
        Draws::uniform01(self);
    }

    fn uniform01_each(&mut self, _lanes: usize, out: &mut [f64; 1]) {
        out[0] = Draws::uniform01(self);
    }
}

impl Draws for Stream {
    fn uniform01(&mut self) -> f64 {
        to_unit(self.0.next_u64())
    }
}

/// The streams of one purpose on one turn for [`LANES`] runs at once, for
/// [`Program::eval_lanes`](crate::scenario::expr::Program::eval_lanes): lane `l` draws
/// exactly what `keys[l].stream(purpose, turn)` would. The ChaCha8 blocks of every lane
/// are computed together, word by word across the lanes, which is several times cheaper
/// than one generator per run when the runs draw in step (as they do, turn by turn).
#[derive(Clone)]
pub struct LaneStreams {
    /// Key word `w` of lane `l` at `key[w][l]`.
    key: [[u32; LANES]; 8],
    nonce: u64,
    /// Per lane, the number of the next block to compute.
    block: [u32; LANES],
    /// Per lane, its current block, word `w` at `words[w][l]`.
    words: [[u32; LANES]; 16],
    /// Per lane, the next word of its block to use. From 16 on, the lane's block is not
    /// computed: it is block `block`, and the next word is `next - 16` of it (so 16 is a
    /// lane that has used up its block, and draws skipped unseen can pass over whole
    /// blocks without computing them).
    next: [u8; LANES],
}

/// ChaCha's constant words, "expand 32-byte k".
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

impl LaneStreams {
    /// Streams for `keys` (at most [`LANES`]; other lanes draw from an all-zero key).
    pub fn new(keys: &[RunKey]) -> Self {
        let mut key = [[0; LANES]; 8];
        for (l, k) in keys.iter().take(LANES).enumerate() {
            for (w, bytes) in k.0.chunks_exact(4).enumerate() {
                key[w][l] = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            }
        }
        Self {
            key,
            nonce: 0,
            block: [0; LANES],
            words: [[0; LANES]; 16],
            next: [16; LANES],
        }
    }

    /// Starts every lane's stream for `purpose` on `turn` (nothing is computed until a
    /// lane draws).
    pub fn open(&mut self, purpose: Purpose, turn: usize) {
        self.nonce = stream_id(purpose, turn);
        self.block = [0; LANES];
        self.next = [16; LANES];
    }

    #[inline]
    fn next_u64(&mut self, lane: usize) -> u64 {
        if self.next[lane] >= 16 {
            self.refill();
        }
        let w = self.next[lane] as usize % 16;
        self.next[lane] += 2;
        u64::from(self.words[w][lane]) | u64::from(self.words[(w + 1) % 16][lane]) << 32
    }

    /// Passes over one number in each of the first `lanes` lanes, unseen: the streams move
    /// on as [`LaneStreams::uniform01_each`] would move them, but a block none of whose
    /// numbers is seen is never computed.
    #[inline(always)]
    pub fn skip_each(&mut self, lanes: usize) {
        // Branch-free over every lane, the lanes not in use left as they are, so that it
        // runs on all lanes at once: past the end of an unseen block (32), a lane is at
        // the start of the next one, unseen (16).
        let mut wraps = [0u8; LANES];
        for (l, (next, wraps)) in self.next.iter_mut().zip(&mut wraps).enumerate() {
            let used = u8::from(l < lanes);
            *wraps = used & u8::from(*next == 30);
            *next = *next + 2 * used - 16 * *wraps;
        }
        for (block, wraps) in self.block.iter_mut().zip(wraps) {
            *block += u32::from(wraps);
        }
    }

    /// One number for each of the first `lanes` lanes, as that many calls of
    /// [`LaneDraws::uniform01`] would give. Inlined, so that the common case (lanes that
    /// have drawn alike so far) is compiled with its caller, for AVX2 where it is.
    #[inline(always)]
    pub fn uniform01_each(&mut self, lanes: usize, out: &mut [f64; LANES]) {
        let lanes = lanes.min(LANES);
        if self.next[..lanes].iter().all(|&n| n >= 16) {
            self.refill();
        }
        let w = self.next[0] as usize;
        if w >= 16 || self.next[..lanes].iter().any(|&n| n as usize != w) {
            self.uniform01_apart(lanes, out);
            return;
        }
        let (lo, hi) = (&self.words[w], &self.words[(w + 1) % 16]);
        for l in 0..LANES {
            out[l] = to_unit_lanes(u64::from(lo[l]) | u64::from(hi[l]) << 32);
        }
        for n in &mut self.next[..lanes] {
            *n += 2;
        }
    }

    /// [`LaneStreams::uniform01_each`] for lanes that are not in step: lane by lane.
    #[cold]
    fn uniform01_apart(&mut self, lanes: usize, out: &mut [f64; LANES]) {
        for (l, out) in out.iter_mut().enumerate().take(lanes) {
            *out = to_unit(self.next_u64(l));
        }
    }

    /// The next block of every lane that has used up its block.
    #[cold]
    fn refill(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            // SAFETY: the processor has AVX-512 F and VL, checked just above.
            unsafe { self.refill_avx512() };
            return;
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            unsafe { self.refill_avx2() };
            return;
        }
        self.refill_portable();
    }

    /// [`LaneStreams::refill`] for processors with AVX-512 (F and VL), eight lanes at a
    /// time: their whole ChaCha state stays in 16 of the 32 vector registers these
    /// processors have, and a rotation is one instruction. The same words as
    /// [`LaneStreams::refill_portable`] (integer arithmetic).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl")]
    fn refill_avx512(&mut self) {
        use std::arch::x86_64::{
            __m256i, _mm256_add_epi32, _mm256_blendv_epi8, _mm256_loadu_si256, _mm256_rol_epi32,
            _mm256_set1_epi32, _mm256_setzero_si256, _mm256_storeu_si256, _mm256_xor_si256,
        };
        // Eight lanes of a row (`[u32; LANES]`, at `first`) as one register.
        let load = |row: &[u32; LANES], first: usize| -> __m256i {
            let eight: &[u32; 8] = row[first..].first_chunk().unwrap_or(&[0; 8]);
            // SAFETY: `eight` is 8 u32, the 32 bytes read.
            unsafe { _mm256_loadu_si256(eight.as_ptr().cast()) }
        };
        let whole = self.next.iter().all(|&n| n >= 16);
        let wanted: [u32; LANES] =
            std::array::from_fn(|l| if self.next[l] >= 16 { u32::MAX } else { 0 });
        for first in (0..LANES).step_by(8) {
            let mut x = [_mm256_setzero_si256(); 16];
            for (w, &sigma) in SIGMA.iter().enumerate() {
                x[w] = _mm256_set1_epi32(sigma as i32);
            }
            for w in 0..8 {
                x[4 + w] = load(&self.key[w], first);
            }
            x[12] = load(&self.block, first);
            x[14] = _mm256_set1_epi32(self.nonce as u32 as i32);
            x[15] = _mm256_set1_epi32((self.nonce >> 32) as u32 as i32);
            let start = x;
            macro_rules! mix {
                ($a:literal, $b:literal, $c:literal, $d:literal) => {
                    x[$a] = _mm256_add_epi32(x[$a], x[$b]);
                    x[$d] = _mm256_rol_epi32::<16>(_mm256_xor_si256(x[$d], x[$a]));
                    x[$c] = _mm256_add_epi32(x[$c], x[$d]);
                    x[$b] = _mm256_rol_epi32::<12>(_mm256_xor_si256(x[$b], x[$c]));
                    x[$a] = _mm256_add_epi32(x[$a], x[$b]);
                    x[$d] = _mm256_rol_epi32::<8>(_mm256_xor_si256(x[$d], x[$a]));
                    x[$c] = _mm256_add_epi32(x[$c], x[$d]);
                    x[$b] = _mm256_rol_epi32::<7>(_mm256_xor_si256(x[$b], x[$c]));
                };
            }
            for _ in 0..DOUBLE_ROUNDS {
                double_round!(mix);
            }
            let keep = load(&wanted, first);
            for w in 0..16 {
                let mut block = _mm256_add_epi32(x[w], start[w]);
                if !whole {
                    // Only the lanes that have used up their block take the new one.
                    block = _mm256_blendv_epi8(load(&self.words[w], first), block, keep);
                }
                let out: &mut [u32; 8] = match self.words[w][first..].first_chunk_mut() {
                    Some(out) => out,
                    None => continue,
                };
                // SAFETY: `out` is 8 u32, the 32 bytes written.
                unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), block) };
            }
        }
        self.move_to_new_blocks();
    }

    /// [`LaneStreams::refill`] for processors with AVX2 (integer arithmetic: the same
    /// words either way).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn refill_avx2(&mut self) {
        self.refill_portable();
    }

    #[inline(always)]
    fn refill_portable(&mut self) {
        let mut x = [[0u32; LANES]; 16];
        for (w, &sigma) in SIGMA.iter().enumerate() {
            x[w] = [sigma; LANES];
        }
        x[4..12].copy_from_slice(&self.key);
        x[12] = self.block;
        x[13] = [0; LANES];
        x[14] = [self.nonce as u32; LANES];
        x[15] = [(self.nonce >> 32) as u32; LANES];
        let start = x;
        #[inline(always)]
        #[allow(clippy::needless_range_loop)] // four rows, lane by lane
        fn quarter(x: &mut [[u32; LANES]; 16], a: usize, b: usize, c: usize, d: usize) {
            for l in 0..LANES {
                let (mut va, mut vb, mut vc, mut vd) = (x[a][l], x[b][l], x[c][l], x[d][l]);
                va = va.wrapping_add(vb);
                vd = (vd ^ va).rotate_left(16);
                vc = vc.wrapping_add(vd);
                vb = (vb ^ vc).rotate_left(12);
                va = va.wrapping_add(vb);
                vd = (vd ^ va).rotate_left(8);
                vc = vc.wrapping_add(vd);
                vb = (vb ^ vc).rotate_left(7);
                (x[a][l], x[b][l], x[c][l], x[d][l]) = (va, vb, vc, vd);
            }
        }
        macro_rules! mix {
            ($a:literal, $b:literal, $c:literal, $d:literal) => {
                quarter(&mut x, $a, $b, $c, $d)
            };
        }
        for _ in 0..DOUBLE_ROUNDS {
            double_round!(mix);
        }
        if self.next.iter().all(|&n| n >= 16) {
            // Usually every lane needs its next block: written whole, the words are stored
            // without the masked stores the loop below compiles to, which are slow.
            for w in 0..16 {
                for l in 0..LANES {
                    self.words[w][l] = x[w][l].wrapping_add(start[w][l]);
                }
            }
        } else {
            for l in (0..LANES).filter(|&l| self.next[l] >= 16) {
                for w in 0..16 {
                    self.words[w][l] = x[w][l].wrapping_add(start[w][l]);
                }
            }
        }
        self.move_to_new_blocks();
    }

    /// After a refill: the lanes that had used up their block are at the start of the new
    /// one, and their block numbers move on.
    #[inline(always)]
    fn move_to_new_blocks(&mut self) {
        // Branch-free, so that it runs on all lanes at once.
        for (next, block) in self.next.iter_mut().zip(&mut self.block) {
            let used_up = u8::from(*next >= 16);
            *next -= 16 * used_up;
            *block += u32::from(used_up);
        }
    }
}

/// ChaCha8: four double rounds.
const DOUBLE_ROUNDS: usize = 4;

/// A ChaCha double round: `$quarter!(a, b, c, d)` for each quarter round, by the words it
/// mixes, the columns then the diagonals. Written out with the words as literals, so that
/// each implementation's state can stay in registers (a loop over a table of them leaves
/// it in memory, and costs the AVX2 blocks two thirds more instructions).
macro_rules! double_round {
    ($quarter:ident) => {
        $quarter!(0, 4, 8, 12);
        $quarter!(1, 5, 9, 13);
        $quarter!(2, 6, 10, 14);
        $quarter!(3, 7, 11, 15);
        $quarter!(0, 5, 10, 15);
        $quarter!(1, 6, 11, 12);
        $quarter!(2, 7, 8, 13);
        $quarter!(3, 4, 9, 14);
    };
}
use double_round;

impl Streams<LANES> for LaneStreams {
    fn open(&mut self, purpose: Purpose, turn: usize) {
        LaneStreams::open(self, purpose, turn);
    }

    #[inline(always)]
    fn skip_each(&mut self, lanes: usize) {
        LaneStreams::skip_each(self, lanes);
    }

    #[inline(always)]
    fn uniform01_each(&mut self, lanes: usize, out: &mut [f64; LANES]) {
        LaneStreams::uniform01_each(self, lanes, out);
    }
}

impl LaneDraws for LaneStreams {
    #[inline]
    fn uniform01(&mut self, lane: usize) -> f64 {
        to_unit(self.next_u64(lane))
    }
}

/// The stream number of a purpose on a turn.
fn stream_id(purpose: Purpose, turn: usize) -> u64 {
    ((purpose as u64) << 32) | turn as u64
}

/// 53 random bits as a number in [0, 1), the standard conversion; fixed here so it cannot
/// change under us.
fn to_unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// [`to_unit`] in a form that runs on four lanes at once with AVX2, which cannot convert
/// 64-bit integers to floats: the top 52 bits and the last of the 53 are each made exact
/// floats by placing them in the mantissa of 2^52, and the sum and the scaling are exact
/// too, so the result is the same to the last bit.
#[inline(always)]
fn to_unit_lanes(bits: u64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let exact = |n: u64| f64::from_bits(TWO_52.to_bits() | n) - TWO_52;
    let (high, low) = (exact(bits >> 12), exact(bits >> 11 & 1));
    (high + high + low) * (1.0 / (1u64 << 53) as f64)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lane_conversion_to_unit_is_the_standard_one_to_the_bit() {
        let mut x = 0x1234_5678_9abc_def0u64;
        let edges = [
            0,
            1,
            1 << 11,
            (1 << 12) - 1,
            1 << 12,
            u64::MAX,
            u64::MAX - (1 << 11),
        ];
        let random = (0..10_000).map(|_| {
            x = splitmix64(x);
            x
        });
        for bits in edges.into_iter().chain(random) {
            assert_eq!(
                to_unit_lanes(bits).to_bits(),
                to_unit(bits).to_bits(),
                "{bits:#x}"
            );
        }
        assert!(to_unit_lanes(u64::MAX) < 1.0);
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let key = RunKey::new(42, 0);
        let a: Vec<f64> = (0..4)
            .map(|_| 0.0)
            .scan(key.stream(Purpose::Rules, 3), |s, _| Some(s.uniform01()))
            .collect();
        let b: Vec<f64> = (0..4)
            .map(|_| 0.0)
            .scan(key.stream(Purpose::Rules, 3), |s, _| Some(s.uniform01()))
            .collect();
        assert_eq!(a, b);
        let mut other = key.stream(Purpose::Rules, 4);
        assert_ne!(a[0], other.uniform01());
        let mut other_run = RunKey::new(42, 1).stream(Purpose::Rules, 3);
        assert_ne!(a[0], other_run.uniform01());
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
    }

    #[test]
    fn the_stream_is_fixed_across_versions() {
        // ChaCha8's output for a key is fixed by its specification; if this changes, every
        // saved session would replay differently.
        let mut s = RunKey::new(2013, 0).stream(Purpose::Parameters, 0);
        let first = s.uniform01();
        let second = s.uniform01();
        assert_eq!(
            (first.to_bits(), second.to_bits()),
            (FIRST_BITS, SECOND_BITS),
            "got {first} {second}"
        );
    }

    #[test]
    fn lanes_draw_what_each_stream_draws() {
        let keys: Vec<RunKey> = (0..LANES as u64).map(|i| RunKey::new(99, i)).collect();
        let mut lanes = LaneStreams::new(&keys);
        for (purpose, turn) in [
            (Purpose::Rules, 0),
            (Purpose::Events, 17),
            (Purpose::Effects, 3),
        ] {
            lanes.open(purpose, turn);
            let mut alone: Vec<Stream> = keys.iter().map(|k| k.stream(purpose, turn)).collect();
            // Lanes in step, then apart (lane 0 runs ahead by more than a block), across
            // several of rand_chacha's four-block buffers.
            for round in 0..150 {
                for (l, stream) in alone.iter_mut().enumerate() {
                    let draws = if l == 0 && round % 3 == 0 { 9 } else { 1 };
                    for _ in 0..draws {
                        let want = stream.uniform01();
                        assert_eq!(lanes.uniform01(l).to_bits(), want.to_bits(), "lane {l}");
                    }
                }
            }
        }
    }

    /// Every way of computing blocks this processor has gives the same words, whether all
    /// lanes need their next block or some.
    #[test]
    fn every_refill_gives_the_same_words() {
        let keys: Vec<RunKey> = (0..LANES as u64 - 2).map(|i| RunKey::new(3, i)).collect();
        let mut streams = LaneStreams::new(&keys);
        streams.open(Purpose::Rules, 9);
        type Refill = fn(&mut LaneStreams);
        let mut ways: Vec<(&str, Refill)> = vec![("portable", LaneStreams::refill_portable)];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2.
                ways.push(("avx2", |s| unsafe { s.refill_avx2() }));
            }
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                // SAFETY: the processor has AVX-512 F and VL.
                ways.push(("avx512", |s| unsafe { s.refill_avx512() }));
            }
        }
        // Every way on the same streams: the same words, positions and block numbers.
        let refill_every_way = |streams: &LaneStreams, when: &str| {
            let refilled: Vec<LaneStreams> = ways
                .iter()
                .map(|(_, refill)| {
                    let mut s = streams.clone();
                    refill(&mut s);
                    s
                })
                .collect();
            for ((name, _), s) in ways.iter().zip(&refilled) {
                assert_eq!(s.words, refilled[0].words, "{name}, {when}");
                assert_eq!((s.next, s.block), (refilled[0].next, refilled[0].block));
            }
            refilled[0].clone()
        };
        // Every lane needs its first block.
        let mut streams = refill_every_way(&streams, "the first blocks");
        assert_eq!(streams.next, [0; LANES]);
        for round in 0..6 {
            // A third of the lanes use up their blocks and need the next; the others are
            // part of the way through theirs and keep them.
            for l in 0..LANES {
                if (l + round) % 3 == 0 {
                    while streams.next[l] < 16 {
                        streams.uniform01(l);
                    }
                } else {
                    for _ in 0..l % 3 {
                        if streams.next[l] < 14 {
                            streams.uniform01(l);
                        }
                    }
                }
            }
            let needing = streams.next.map(|n| n >= 16);
            let next = refill_every_way(&streams, &format!("round {round}"));
            for (l, needed) in needing.iter().enumerate() {
                let moved = next.block[l] - streams.block[l];
                assert_eq!(moved, u32::from(*needed), "round {round}, lane {l}");
            }
            streams = next;
        }
    }

    #[test]
    fn lanes_in_step_draw_together_what_each_draws() {
        let keys: Vec<RunKey> = (0..LANES as u64).map(|i| RunKey::new(5, i)).collect();
        let mut together = LaneStreams::new(&keys);
        let mut one_by_one = LaneStreams::new(&keys);
        together.open(Purpose::Events, 2);
        one_by_one.open(Purpose::Events, 2);
        let lanes = LANES - 3;
        let mut out = [0.0; LANES];
        for round in 0..40 {
            if round == 5 {
                // Lane 1 draws once more: the lanes are no longer in step.
                assert_eq!(together.uniform01(1), one_by_one.uniform01(1));
            }
            together.uniform01_each(lanes, &mut out);
            for (l, got) in out.iter().enumerate().take(lanes) {
                assert_eq!(got.to_bits(), one_by_one.uniform01(l).to_bits());
            }
        }
    }

    #[test]
    fn skipped_numbers_move_the_streams_as_drawn_ones_do() {
        let keys: Vec<RunKey> = (0..LANES as u64).map(|i| RunKey::new(11, i)).collect();
        let mut skipping = LaneStreams::new(&keys);
        let mut drawing = LaneStreams::new(&keys);
        skipping.open(Purpose::Events, 4);
        drawing.open(Purpose::Events, 4);
        let lanes = LANES - 1;
        let (mut got, mut want) = ([0.0; LANES], [0.0; LANES]);
        // Runs of skips shorter and longer than a block, some lanes apart from the others.
        for (round, skips) in [0, 3, 8, 1, 17, 0, 9, 2].into_iter().enumerate() {
            for _ in 0..skips {
                skipping.skip_each(lanes);
                drawing.uniform01_each(lanes, &mut want);
            }
            if round == 3 {
                assert_eq!(skipping.uniform01(2), drawing.uniform01(2));
            }
            skipping.uniform01_each(lanes, &mut got);
            drawing.uniform01_each(lanes, &mut want);
            for l in 0..lanes {
                assert_eq!(
                    got[l].to_bits(),
                    want[l].to_bits(),
                    "round {round}, lane {l}"
                );
            }
        }
    }

    const FIRST_BITS: u64 = 0x3fb8_b6a5_0d0b_6498;
    const SECOND_BITS: u64 = 0x3fcd_1e15_25f8_2798;
}
