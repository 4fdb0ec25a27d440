;; The small-matrix kernels of Backprop Lab: what a training step of a small network does, in
;; WebAssembly with 128-bit SIMD (f64x2), on matrices stored in the kernels' memory.
;;
;; Source of src/nn/kernels/small-wasm.ts: run `node scripts/build-gemm-wasm.mjs` after editing
;; this file (test/nn/gemm.test.ts fails while the two disagree).
;;
;; Why a second module next to gemm.wat: gemm.wat multiplies packed panels of large matrices that
;; are copied in and out of its growable memory. For the notebooks' 2-16-16-2 network the copies,
;; the packing and the JavaScript loops of the element-wise passes cost more than the arithmetic.
;; Here the matrices themselves live in this memory (src/nn/kernels/small.ts hands out Float64Array
;; views of it), so every kernel works in place on row-major data and nothing is copied. The memory
;; is created by small.ts and shared with the packed product kernels (gemm.wat, gemm-fma.wat) and
;; their helper threads, so a large product packs its operands straight from where they live
;; (`pack` below) and writes C in place. Its first 512 pages (32 MB; untouched pages cost no RAM)
;; hold the matrices; the packed products' scratch lies above and grows on demand. A shared
;; memory's buffer is never detached by growing, so the views of the first 32 MB stay valid.
;;
;; Conventions: an address is a byte offset into the memory; matrices are row-major float64. A
;; kernel reads and writes only the entries it is given, never a lane past the end, so a matrix may
;; start and end anywhere. Sums over k run in increasing k, like the JavaScript loops, except that
;; `mm` starts each row from its bias, and the dot products of `mm_nt` and the row sums of
;; `sum_rows` split a sum over two lanes; results agree with the JavaScript ones to rounding.
(module
  (import "env" "memory" (memory 512 16384 shared))

  ;; -------------------------------------------------------------------------------------------
  ;; C (m×n) = op(A) B, plus the column `bias` added to every column when $bias is not 0 (the
  ;; affine map z = W a + b: each row's sums start from its bias). B is k×n; op(A)[i, p] is read
  ;; at a + i·ai + p·ap bytes, so A itself has ai = 8k, ap = 8, and a transposed A (stored k×m)
  ;; has ai = 8, ap = 8m. Tiles of 2 rows × 8 columns keep C in eight f64x2 registers while p
  ;; runs: per step two broadcast entries of op(A), four loads of a row of B, sixteen products.
  ;; When m is odd the last strip re-reads its row and stores it once; leftover columns use 2×2
  ;; tiles and a scalar 2×1 tile.
  (func (export "mm")
    (param $c i32) (param $a i32) (param $b i32) (param $bias i32)
    (param $m i32) (param $n i32) (param $k i32) (param $ai i32) (param $ap i32)
    (local $i i32) (local $j i32) (local $p i32) (local $two i32)
    (local $r0 i32) (local $r1 i32) (local $q0 i32) (local $q1 i32)
    (local $pb i32) (local $ldc i32) (local $cr i32)
    (local $z0 f64) (local $z1 f64) (local $e0 f64) (local $e1 f64) (local $x f64)
    (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $s v128) (local $t v128) (local $w v128)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $stripsDone
      (loop $strips
        (br_if $stripsDone (i32.ge_u (local.get $i) (local.get $m)))
        ;; rows i and i + 1 (or i again when i is the last row)
        (local.set $two (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $m)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ai))))
        (local.set $r1 (select (i32.add (local.get $r0) (local.get $ai)) (local.get $r0) (local.get $two)))
        (local.set $z0 (f64.const 0))
        (local.set $z1 (f64.const 0))
        (if (local.get $bias) (then
          (local.set $z0 (f64.load (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 3)))))
          (local.set $z1 (local.get $z0))
          (if (local.get $two) (then
            (local.set $z1 (f64.load offset=8 (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 3)))))))))
        (local.set $j (i32.const 0))

        ;; 2×8 tiles
        (block $octsDone
          (loop $octs
            (br_if $octsDone (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
            (local.set $u0 (f64x2.splat (local.get $z0))) (local.set $u1 (local.get $u0))
            (local.set $u2 (local.get $u0)) (local.set $u3 (local.get $u0))
            (local.set $v0 (f64x2.splat (local.get $z1))) (local.set $v1 (local.get $v0))
            (local.set $v2 (local.get $v0)) (local.set $v3 (local.get $v0))
            (local.set $q0 (local.get $r0))
            (local.set $q1 (local.get $r1))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (loop $steps
              (local.set $s (v128.load64_splat (local.get $q0)))
              (local.set $t (v128.load64_splat (local.get $q1)))
              (local.set $w (v128.load (local.get $pb)))
              (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (local.get $s) (local.get $w))))
              (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (local.get $t) (local.get $w))))
              (local.set $w (v128.load offset=16 (local.get $pb)))
              (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $s) (local.get $w))))
              (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (local.get $t) (local.get $w))))
              (local.set $w (v128.load offset=32 (local.get $pb)))
              (local.set $u2 (f64x2.add (local.get $u2) (f64x2.mul (local.get $s) (local.get $w))))
              (local.set $v2 (f64x2.add (local.get $v2) (f64x2.mul (local.get $t) (local.get $w))))
              (local.set $w (v128.load offset=48 (local.get $pb)))
              (local.set $u3 (f64x2.add (local.get $u3) (f64x2.mul (local.get $s) (local.get $w))))
              (local.set $v3 (f64x2.add (local.get $v3) (f64x2.mul (local.get $t) (local.get $w))))
              (local.set $q0 (i32.add (local.get $q0) (local.get $ap)))
              (local.set $q1 (i32.add (local.get $q1) (local.get $ap)))
              (local.set $pb (i32.add (local.get $pb) (local.get $ldc)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $steps (local.get $p)))
            (local.set $cr (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 3)))))
            (v128.store (local.get $cr) (local.get $u0))
            (v128.store offset=16 (local.get $cr) (local.get $u1))
            (v128.store offset=32 (local.get $cr) (local.get $u2))
            (v128.store offset=48 (local.get $cr) (local.get $u3))
            (if (local.get $two) (then
              (local.set $cr (i32.add (local.get $cr) (local.get $ldc)))
              (v128.store (local.get $cr) (local.get $v0))
              (v128.store offset=16 (local.get $cr) (local.get $v1))
              (v128.store offset=32 (local.get $cr) (local.get $v2))
              (v128.store offset=48 (local.get $cr) (local.get $v3))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $octs)))

        ;; 2×2 tiles for what is left of the columns
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
            (local.set $u0 (f64x2.splat (local.get $z0)))
            (local.set $v0 (f64x2.splat (local.get $z1)))
            (local.set $q0 (local.get $r0))
            (local.set $q1 (local.get $r1))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (loop $steps2
              (local.set $w (v128.load (local.get $pb)))
              (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (v128.load64_splat (local.get $q0)) (local.get $w))))
              (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (v128.load64_splat (local.get $q1)) (local.get $w))))
              (local.set $q0 (i32.add (local.get $q0) (local.get $ap)))
              (local.set $q1 (i32.add (local.get $q1) (local.get $ap)))
              (local.set $pb (i32.add (local.get $pb) (local.get $ldc)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $steps2 (local.get $p)))
            (local.set $cr (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 3)))))
            (v128.store (local.get $cr) (local.get $u0))
            (if (local.get $two) (then (v128.store (i32.add (local.get $cr) (local.get $ldc)) (local.get $v0))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pairs)))

        ;; the last column when n is odd
        (if (i32.lt_u (local.get $j) (local.get $n)) (then
          (local.set $e0 (local.get $z0))
          (local.set $e1 (local.get $z1))
          (local.set $q0 (local.get $r0))
          (local.set $q1 (local.get $r1))
          (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
          (local.set $p (local.get $k))
          (loop $steps1
            (local.set $x (f64.load (local.get $pb)))
            (local.set $e0 (f64.add (local.get $e0) (f64.mul (f64.load (local.get $q0)) (local.get $x))))
            (local.set $e1 (f64.add (local.get $e1) (f64.mul (f64.load (local.get $q1)) (local.get $x))))
            (local.set $q0 (i32.add (local.get $q0) (local.get $ap)))
            (local.set $q1 (i32.add (local.get $q1) (local.get $ap)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldc)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br_if $steps1 (local.get $p)))
          (local.set $cr (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 3)))))
          (f64.store (local.get $cr) (local.get $e0))
          (if (local.get $two) (then (f64.store (i32.add (local.get $cr) (local.get $ldc)) (local.get $e1))))))

        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $strips))))

  ;; -------------------------------------------------------------------------------------------
  ;; C = A Bᵀ for A m×k and B n×k: C[i, j] is the dot product of row i of A with row j of B, both
  ;; contiguous, so p runs two at a time in one f64x2 per product (even p in lane 0, odd p in lane
  ;; 1, the lanes added at the end). C[i, j] is stored at c + i·ci + j·cj bytes, so the caller can
  ;; also get C by computing Cᵀ = B Aᵀ (ci = 8, cj = 8m) when A has fewer rows than B: the 4×2
  ;; tiles (eight sums in registers) then waste nothing on a 2-row side. Leftover rows and
  ;; columns re-read the last one and are not stored. This is the weight gradient δ (a^(l−1))ᵀ.
  (func (export "mm_nt")
    (param $c i32) (param $a i32) (param $b i32)
    (param $m i32) (param $n i32) (param $k i32) (param $ci i32) (param $cj i32)
    (local $i i32) (local $rows i32) (local $j i32) (local $cols i32)
    (local $lastI i32) (local $lastJ i32) (local $lda i32) (local $pairs i32) (local $o i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $t0 i32) (local $t1 i32) (local $cr i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $x v128) (local $y0 v128) (local $y1 v128)
    (local.set $lda (i32.shl (local.get $k) (i32.const 3)))
    (local.set $pairs (i32.shl (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 4)))
    (local.set $lastI (i32.sub (local.get $m) (i32.const 1)))
    (local.set $lastJ (i32.sub (local.get $n) (i32.const 1)))
    (local.set $i (i32.const 0))
    (block $stripsDone
      (loop $strips
        (br_if $stripsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $rows (i32.sub (local.get $m) (local.get $i)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
        (local.set $r1 (select (i32.add (local.get $r0) (local.get $lda)) (local.get $r0) (i32.gt_u (local.get $rows) (i32.const 1))))
        (local.set $r2 (select (i32.add (local.get $r1) (local.get $lda)) (local.get $r1) (i32.gt_u (local.get $rows) (i32.const 2))))
        (local.set $r3 (select (i32.add (local.get $r2) (local.get $lda)) (local.get $r2) (i32.gt_u (local.get $rows) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $cols (i32.sub (local.get $n) (local.get $j)))
            (local.set $t0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $lda))))
            (local.set $t1 (select (i32.add (local.get $t0) (local.get $lda)) (local.get $t0) (i32.gt_u (local.get $cols) (i32.const 1))))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0))
            (local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0))
            (local.set $o (i32.const 0))
            (block $stepsDone
              (loop $steps
                (br_if $stepsDone (i32.ge_u (local.get $o) (local.get $pairs)))
                (local.set $y0 (v128.load (i32.add (local.get $t0) (local.get $o))))
                (local.set $y1 (v128.load (i32.add (local.get $t1) (local.get $o))))
                (local.set $x (v128.load (i32.add (local.get $r0) (local.get $o))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $y1))))
                (local.set $x (v128.load (i32.add (local.get $r1) (local.get $o))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $y1))))
                (local.set $x (v128.load (i32.add (local.get $r2) (local.get $o))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $y0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $y1))))
                (local.set $x (v128.load (i32.add (local.get $r3) (local.get $o))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $y0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $y1))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $steps)))
            ;; odd k: the last term, with 0 in lane 1
            (if (i32.and (local.get $k) (i32.const 1)) (then
              (local.set $y0 (v128.load64_zero (i32.add (local.get $t0) (local.get $o))))
              (local.set $y1 (v128.load64_zero (i32.add (local.get $t1) (local.get $o))))
              (local.set $x (v128.load64_zero (i32.add (local.get $r0) (local.get $o))))
              (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $y0))))
              (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $y1))))
              (local.set $x (v128.load64_zero (i32.add (local.get $r1) (local.get $o))))
              (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $y0))))
              (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $y1))))
              (local.set $x (v128.load64_zero (i32.add (local.get $r2) (local.get $o))))
              (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $y0))))
              (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $y1))))
              (local.set $x (v128.load64_zero (i32.add (local.get $r3) (local.get $o))))
              (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $y0))))
              (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $y1))))))
            ;; C[i + r, j + s] = lane 0 + lane 1, for the rows and columns that exist
            (local.set $cr (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ci)) (i32.mul (local.get $j) (local.get $cj)))))
            (f64.store (local.get $cr) (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00))))
            (if (i32.gt_u (local.get $cols) (i32.const 1)) (then
              (f64.store (i32.add (local.get $cr) (local.get $cj)) (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01))))))
            (if (i32.gt_u (local.get $rows) (i32.const 1)) (then
              (local.set $cr (i32.add (local.get $cr) (local.get $ci)))
              (f64.store (local.get $cr) (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10))))
              (if (i32.gt_u (local.get $cols) (i32.const 1)) (then
                (f64.store (i32.add (local.get $cr) (local.get $cj)) (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11))))))
              (if (i32.gt_u (local.get $rows) (i32.const 2)) (then
                (local.set $cr (i32.add (local.get $cr) (local.get $ci)))
                (f64.store (local.get $cr) (f64.add (f64x2.extract_lane 0 (local.get $s20)) (f64x2.extract_lane 1 (local.get $s20))))
                (if (i32.gt_u (local.get $cols) (i32.const 1)) (then
                  (f64.store (i32.add (local.get $cr) (local.get $cj)) (f64.add (f64x2.extract_lane 0 (local.get $s21)) (f64x2.extract_lane 1 (local.get $s21))))))
                (if (i32.gt_u (local.get $rows) (i32.const 3)) (then
                  (local.set $cr (i32.add (local.get $cr) (local.get $ci)))
                  (f64.store (local.get $cr) (f64.add (f64x2.extract_lane 0 (local.get $s30)) (f64x2.extract_lane 1 (local.get $s30))))
                  (if (i32.gt_u (local.get $cols) (i32.const 1)) (then
                    (f64.store (i32.add (local.get $cr) (local.get $cj)) (f64.add (f64x2.extract_lane 0 (local.get $s31)) (f64x2.extract_lane 1 (local.get $s31))))))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $colsLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $strips))))

  ;; -------------------------------------------------------------------------------------------
  ;; Element-wise passes over n entries, two per instruction and the odd last one alone. The
  ;; output may be one of the inputs.

  ;; out = A + col 1ᵀ for A rows×cols: a bias added to every column.
  (func (export "add_col") (param $out i32) (param $a i32) (param $col i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $o i32) (local $end i32) (local $pairEnd i32) (local $ld i32) (local $bias f64) (local $s v128)
    (local.set $ld (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $bias (f64.load (i32.add (local.get $col) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $s (f64x2.splat (local.get $bias)))
        (local.set $o (i32.mul (local.get $i) (local.get $ld)))
        (local.set $end (i32.add (local.get $o) (local.get $ld)))
        (local.set $pairEnd (i32.sub (local.get $end) (i32.and (local.get $ld) (i32.const 8))))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $o) (local.get $pairEnd)))
            (v128.store (i32.add (local.get $out) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $a) (local.get $o))) (local.get $s)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $o) (local.get $end)) (then
          (f64.store (i32.add (local.get $out) (local.get $o)) (f64.add (f64.load (i32.add (local.get $a) (local.get $o))) (local.get $bias)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsLoop))))

  ;; out[i] = Σ_j A[i, j] for A rows×cols: δ summed over the batch, the bias gradient. Two f64x2
  ;; sums per row (j ≡ 0, 1 and j ≡ 2, 3 mod 4), so consecutive additions need not wait on each other.
  (func (export "sum_rows") (param $out i32) (param $a i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $o i32) (local $end i32) (local $quadEnd i32) (local $ld i32) (local $u v128) (local $v v128) (local $s f64)
    (local.set $ld (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $o (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ld))))
        (local.set $end (i32.add (local.get $o) (local.get $ld)))
        (local.set $quadEnd (i32.sub (local.get $end) (i32.and (local.get $ld) (i32.const 24))))
        (local.set $u (v128.const i64x2 0 0))
        (local.set $v (v128.const i64x2 0 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.ge_u (local.get $o) (local.get $quadEnd)))
            (local.set $u (f64x2.add (local.get $u) (v128.load (local.get $o))))
            (local.set $v (f64x2.add (local.get $v) (v128.load offset=16 (local.get $o))))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (br $quads)))
        (local.set $u (f64x2.add (local.get $u) (local.get $v)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $u)) (f64x2.extract_lane 1 (local.get $u))))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $s (f64.add (local.get $s) (f64.load (local.get $o))))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br $rest)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $s))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsLoop))))

  ;; Packs `rows` rows of a matrix X into panels of $w rows (w even: 4 or 6), step by step:
  ;; dst[(ip·kc + p)·w + r] = X[w·ip + r, p] for p < kc, rows past the end as zeros. X[i, p] is
  ;; read at x + i·si + p·sp bytes, so one function packs op(A) (rows of A, or its columns when
  ;; transposed) and op(B)ᵀ for the product kernels. When si = 8 the w entries of a panel at one
  ;; step are contiguous and copied as one stretch per step. When sp = 8 each row is contiguous:
  ;; the panel's w rows are read together, two steps at a time, and each pair of rows transposed
  ;; as a 2×2 block. A partial last panel (and any other strides) goes two rows at a time.
  (func (export "pack")
    (param $dst i32) (param $x i32) (param $si i32) (param $sp i32) (param $rows i32) (param $kc i32) (param $w i32)
    (local $i i32) (local $r i32) (local $p i32) (local $panel i32) (local $step i32)
    (local $x0 i32) (local $x1 i32) (local $d i32) (local $u v128) (local $v v128) (local $kc2 i32)
    (local $full i32) (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32) (local $y4 i32) (local $y5 i32) (local $o i32)
    (local $u2 v128) (local $u3 v128) (local $u4 v128) (local $u5 v128)
    (local.set $step (i32.shl (local.get $w) (i32.const 3)))
    (local.set $kc2 (i32.and (local.get $kc) (i32.const -2)))
    (if (i32.eq (local.get $si) (i32.const 8)) (then
      ;; whole panels: the w entries of each step are one contiguous stretch of a stored row
      (local.set $full (i32.mul (i32.div_u (local.get $rows) (local.get $w)) (local.get $w)))
      (local.set $d (local.get $dst))
      (local.set $i (i32.const 0))
      (block $panelsDone
        (loop $panels
          (br_if $panelsDone (i32.ge_u (local.get $i) (local.get $full)))
          (local.set $x0 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
          (local.set $p (local.get $kc))
          (if (i32.eq (local.get $w) (i32.const 6))
            (then
              (block $sixDone
                (loop $six
                  (br_if $sixDone (i32.eqz (local.get $p)))
                  (v128.store (local.get $d) (v128.load (local.get $x0)))
                  (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $x0)))
                  (v128.store offset=32 (local.get $d) (v128.load offset=32 (local.get $x0)))
                  (local.set $x0 (i32.add (local.get $x0) (local.get $sp)))
                  (local.set $d (i32.add (local.get $d) (i32.const 48)))
                  (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                  (br $six))))
            (else
              (block $quadDone
                (loop $quad
                  (br_if $quadDone (i32.eqz (local.get $p)))
                  (v128.store (local.get $d) (v128.load (local.get $x0)))
                  (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $x0)))
                  (local.set $x0 (i32.add (local.get $x0) (local.get $sp)))
                  (local.set $d (i32.add (local.get $d) (local.get $step)))
                  (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                  (br $quad)))))
          (local.set $i (i32.add (local.get $i) (local.get $w)))
          (br $panels)))
      ;; the rest (a partial panel) below, two rows at a time
      (if (i32.ge_u (local.get $full) (local.get $rows)) (then (return)))
      (local.set $dst (local.get $d))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $full) (i32.const 3))))
      (local.set $rows (i32.sub (local.get $rows) (local.get $full)))))
    (if (i32.eq (local.get $sp) (i32.const 8)) (then
      ;; whole panels: every row of the panel read front to back, two steps at a time, each pair of
      ;; rows transposed as a 2×2 block, so each step's w entries are written together
      (local.set $full (i32.mul (i32.div_u (local.get $rows) (local.get $w)) (local.get $w)))
      (local.set $d (local.get $dst))
      (local.set $i (i32.const 0))
      (block $tpanelsDone
        (loop $tpanels
          (br_if $tpanelsDone (i32.ge_u (local.get $i) (local.get $full)))
          (local.set $y0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $si))))
          (local.set $y1 (i32.add (local.get $y0) (local.get $si)))
          (local.set $y2 (i32.add (local.get $y1) (local.get $si)))
          (local.set $y3 (i32.add (local.get $y2) (local.get $si)))
          (local.set $y4 (i32.add (local.get $y3) (local.get $si)))
          (local.set $y5 (i32.add (local.get $y4) (local.get $si)))
          (local.set $o (i32.const 0))
          (local.set $p (i32.const 0))
          (if (i32.eq (local.get $w) (i32.const 6))
            (then
              (block $t6Done
                (loop $t6
                  (br_if $t6Done (i32.ge_u (local.get $p) (local.get $kc2)))
                  (local.set $u (v128.load (i32.add (local.get $y0) (local.get $o))))
                  (local.set $v (v128.load (i32.add (local.get $y1) (local.get $o))))
                  (local.set $u2 (v128.load (i32.add (local.get $y2) (local.get $o))))
                  (local.set $u3 (v128.load (i32.add (local.get $y3) (local.get $o))))
                  (local.set $u4 (v128.load (i32.add (local.get $y4) (local.get $o))))
                  (local.set $u5 (v128.load (i32.add (local.get $y5) (local.get $o))))
                  (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $v)))
                  (v128.store offset=16 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u2) (local.get $u3)))
                  (v128.store offset=32 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u4) (local.get $u5)))
                  (v128.store offset=48 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $v)))
                  (v128.store offset=64 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u2) (local.get $u3)))
                  (v128.store offset=80 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u4) (local.get $u5)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (local.set $d (i32.add (local.get $d) (i32.const 96)))
                  (local.set $p (i32.add (local.get $p) (i32.const 2)))
                  (br $t6))))
            (else
              (block $t4Done
                (loop $t4
                  (br_if $t4Done (i32.ge_u (local.get $p) (local.get $kc2)))
                  (local.set $u (v128.load (i32.add (local.get $y0) (local.get $o))))
                  (local.set $v (v128.load (i32.add (local.get $y1) (local.get $o))))
                  (local.set $u2 (v128.load (i32.add (local.get $y2) (local.get $o))))
                  (local.set $u3 (v128.load (i32.add (local.get $y3) (local.get $o))))
                  (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $v)))
                  (v128.store offset=16 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u2) (local.get $u3)))
                  (v128.store offset=32 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $v)))
                  (v128.store offset=48 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u2) (local.get $u3)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (local.set $d (i32.add (local.get $d) (i32.const 64)))
                  (local.set $p (i32.add (local.get $p) (i32.const 2)))
                  (br $t4)))))
          ;; an odd last step: one entry of each row (rows y4, y5 only in a panel of 6)
          (if (i32.lt_u (local.get $p) (local.get $kc)) (then
            (f64.store (local.get $d) (f64.load (i32.add (local.get $y0) (local.get $o))))
            (f64.store offset=8 (local.get $d) (f64.load (i32.add (local.get $y1) (local.get $o))))
            (f64.store offset=16 (local.get $d) (f64.load (i32.add (local.get $y2) (local.get $o))))
            (f64.store offset=24 (local.get $d) (f64.load (i32.add (local.get $y3) (local.get $o))))
            (if (i32.eq (local.get $w) (i32.const 6)) (then
              (f64.store offset=32 (local.get $d) (f64.load (i32.add (local.get $y4) (local.get $o))))
              (f64.store offset=40 (local.get $d) (f64.load (i32.add (local.get $y5) (local.get $o))))))
            (local.set $d (i32.add (local.get $d) (local.get $step)))))
          (local.set $i (i32.add (local.get $i) (local.get $w)))
          (br $tpanels)))
      (if (i32.ge_u (local.get $full) (local.get $rows)) (then (return)))
      (local.set $dst (local.get $d))
      (local.set $x (i32.add (local.get $x) (i32.mul (local.get $full) (local.get $si))))
      (local.set $rows (i32.sub (local.get $rows) (local.get $full)))))
    (local.set $i (i32.const 0))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $panel (i32.add (local.get $dst) (i32.mul (local.get $i) (i32.shl (local.get $kc) (i32.const 3)))))
        (local.set $r (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $r) (local.get $w)))
            (local.set $x0 (i32.add (local.get $x) (i32.mul (i32.add (local.get $i) (local.get $r)) (local.get $si))))
            (local.set $x1 (i32.add (local.get $x0) (local.get $si)))
            (local.set $d (i32.add (local.get $panel) (i32.shl (local.get $r) (i32.const 3))))
            (local.set $p (i32.const 0))
            (if (i32.lt_u (i32.add (i32.add (local.get $i) (local.get $r)) (i32.const 1)) (local.get $rows))
              (then
                (if (i32.eq (local.get $si) (i32.const 8))
                  (then
                    (block $aDone
                      (loop $a
                        (br_if $aDone (i32.ge_u (local.get $p) (local.get $kc)))
                        (v128.store (local.get $d) (v128.load (local.get $x0)))
                        (local.set $x0 (i32.add (local.get $x0) (local.get $sp)))
                        (local.set $d (i32.add (local.get $d) (local.get $step)))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (br $a))))
                  (else
                    (if (i32.eq (local.get $sp) (i32.const 8))
                      (then
                        (block $bDone
                          (loop $b
                            (br_if $bDone (i32.ge_u (local.get $p) (local.get $kc2)))
                            (local.set $u (v128.load (local.get $x0)))
                            (local.set $v (v128.load (local.get $x1)))
                            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $v)))
                            (v128.store (i32.add (local.get $d) (local.get $step))
                              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $v)))
                            (local.set $x0 (i32.add (local.get $x0) (i32.const 16)))
                            (local.set $x1 (i32.add (local.get $x1) (i32.const 16)))
                            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $step) (i32.const 1))))
                            (local.set $p (i32.add (local.get $p) (i32.const 2)))
                            (br $b)))))
                    (block $cDone
                      (loop $c
                        (br_if $cDone (i32.ge_u (local.get $p) (local.get $kc)))
                        (f64.store (local.get $d) (f64.load (local.get $x0)))
                        (f64.store offset=8 (local.get $d) (f64.load (local.get $x1)))
                        (local.set $x0 (i32.add (local.get $x0) (local.get $sp)))
                        (local.set $x1 (i32.add (local.get $x1) (local.get $sp)))
                        (local.set $d (i32.add (local.get $d) (local.get $step)))
                        (local.set $p (i32.add (local.get $p) (i32.const 1)))
                        (br $c))))))
              (else
                ;; the last row alone, or both rows past the end
                (local.set $x1 (i32.lt_u (i32.add (local.get $i) (local.get $r)) (local.get $rows)))
                (block $eDone
                  (loop $e
                    (br_if $eDone (i32.ge_u (local.get $p) (local.get $kc)))
                    (f64.store (local.get $d) (if (result f64) (local.get $x1) (then (f64.load (local.get $x0))) (else (f64.const 0))))
                    (f64.store offset=8 (local.get $d) (f64.const 0))
                    (local.set $x0 (i32.add (local.get $x0) (local.get $sp)))
                    (local.set $d (i32.add (local.get $d) (local.get $step)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $e)))))
            (local.set $r (i32.add (local.get $r) (i32.const 2)))
            (br $pairs)))
        (local.set $i (i32.add (local.get $i) (local.get $w)))
        (br $panels))))

  ;; out = relu(z) entry by entry, as `z > 0 ? z : 0` (NaN and −0 give +0, as in the JavaScript).
  (func (export "relu") (param $out i32) (param $z i32) (param $n i32)
    (local $o i32) (local $end i32) (local $pairEnd i32) (local $v f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $o (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $o) (local.get $pairEnd)))
        ;; pmax(0, v) = 0 < v ? v : 0
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f64x2.pmax (v128.const i64x2 0 0) (v128.load (i32.add (local.get $z) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $pairs)))
    (if (i32.lt_u (local.get $o) (local.get $end)) (then
      (local.set $v (f64.load (i32.add (local.get $z) (local.get $o))))
      (f64.store (i32.add (local.get $out) (local.get $o))
        (select (local.get $v) (f64.const 0) (f64.gt (local.get $v) (f64.const 0)))))))

  ;; g ← g ⊙ relu′(z) with relu′(z) = 1 for z > 0, else 0: a multiplication, not a select, so an
  ;; infinite g at z ≤ 0 becomes NaN as it does in JavaScript.
  (func (export "relu_back") (param $g i32) (param $z i32) (param $n i32)
    (local $o i32) (local $end i32) (local $pairEnd i32) (local $one v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $o (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $o) (local.get $pairEnd)))
        (v128.store (i32.add (local.get $g) (local.get $o))
          (f64x2.mul (v128.load (i32.add (local.get $g) (local.get $o)))
            (v128.and (local.get $one) (f64x2.gt (v128.load (i32.add (local.get $z) (local.get $o))) (v128.const i64x2 0 0)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $pairs)))
    (if (i32.lt_u (local.get $o) (local.get $end)) (then
      (f64.store (i32.add (local.get $g) (local.get $o))
        (f64.mul (f64.load (i32.add (local.get $g) (local.get $o)))
          (select (f64.const 1) (f64.const 0) (f64.gt (f64.load (i32.add (local.get $z) (local.get $o))) (f64.const 0))))))))

  ;; out = c · (a − y): ∂L/∂a^L of the squared losses, and the fused δ^L = (ŷ − y)/M.
  (func (export "scaled_diff") (param $out i32) (param $a i32) (param $y i32) (param $c f64) (param $n i32)
    (local $o i32) (local $end i32) (local $pairEnd i32) (local $s v128)
    (local.set $s (f64x2.splat (local.get $c)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $o (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $o) (local.get $pairEnd)))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f64x2.mul (local.get $s) (f64x2.sub (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $y) (local.get $o))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $pairs)))
    (if (i32.lt_u (local.get $o) (local.get $end)) (then
      (f64.store (i32.add (local.get $out) (local.get $o))
        (f64.mul (local.get $c) (f64.sub (f64.load (i32.add (local.get $a) (local.get $o))) (f64.load (i32.add (local.get $y) (local.get $o)))))))))

  ;; θ ← θ − η g, in place: plain gradient descent.
  (func (export "sgd") (param $theta i32) (param $g i32) (param $lr f64) (param $n i32)
    (local $o i32) (local $end i32) (local $pairEnd i32) (local $s v128)
    (local.set $s (f64x2.splat (local.get $lr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $o (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $o) (local.get $pairEnd)))
        (v128.store (i32.add (local.get $theta) (local.get $o))
          (f64x2.sub (v128.load (i32.add (local.get $theta) (local.get $o))) (f64x2.mul (local.get $s) (v128.load (i32.add (local.get $g) (local.get $o))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $pairs)))
    (if (i32.lt_u (local.get $o) (local.get $end)) (then
      (f64.store (i32.add (local.get $theta) (local.get $o))
        (f64.sub (f64.load (i32.add (local.get $theta) (local.get $o))) (f64.mul (local.get $lr) (f64.load (i32.add (local.get $g) (local.get $o)))))))))

  ;; -------------------------------------------------------------------------------------------
  ;; exp and log, step for step the fdlibm algorithms that V8's Math.exp and Math.log run (FreeBSD
  ;; msun e_exp.c and e_log.c, as in V8's src/base/ieee754.cc), so both give the same bits as
  ;; JavaScript; test/nn/gemm.test.ts compares them on a million arguments.

  ;; e^x: x = k ln 2 + r with |r| ≤ ln2/2, e^r from a rational approximation, then scaled by 2^k.
  (func $exp (export "exp") (param $x f64) (result f64)
    (local $hx i32) (local $xsb i32) (local $k i32)
    (local $hi f64) (local $lo f64) (local $c f64) (local $t f64) (local $y f64) (local $twopk f64)
    (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $xsb (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    ;; |x| ≥ 709.78: NaN, ±∞, overflow, underflow
    (if (i32.ge_u (local.get $hx) (i32.const 0x40862e42)) (then
      (if (i32.ge_u (local.get $hx) (i32.const 0x7ff00000)) (then
        (if (i64.ne (i64.and (i64.reinterpret_f64 (local.get $x)) (i64.const 0x000fffffffffffff)) (i64.const 0))
          (then (return (f64.add (local.get $x) (local.get $x)))))
        (return (select (local.get $x) (f64.const 0) (i32.eqz (local.get $xsb))))))
      (if (f64.gt (local.get $x) (f64.const 0x1.62e42fefa39efp+9)) (then (return (f64.const inf))))
      (if (f64.lt (local.get $x) (f64.const -0x1.74910d52d3051p+9)) (then (return (f64.const 0))))))
    ;; argument reduction
    (if (i32.gt_u (local.get $hx) (i32.const 0x3fd62e42))
      (then
        (if (i32.lt_u (local.get $hx) (i32.const 0x3ff0a2b2))
          (then
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (f64.const 0x1.5bf0a8b145769p+1))))
            (local.set $hi (f64.sub (local.get $x) (select (f64.const -0x1.62e42feep-1) (f64.const 0x1.62e42feep-1) (local.get $xsb))))
            (local.set $lo (select (f64.const -0x1.a39ef35793c76p-33) (f64.const 0x1.a39ef35793c76p-33) (local.get $xsb)))
            (local.set $k (i32.sub (i32.const 1) (i32.shl (local.get $xsb) (i32.const 1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add (f64.mul (f64.const 0x1.71547652b82fep+0) (local.get $x))
              (select (f64.const -0.5) (f64.const 0.5) (local.get $xsb)))))
            (local.set $t (f64.convert_i32_s (local.get $k)))
            (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (f64.const 0x1.62e42feep-1))))
            (local.set $lo (f64.mul (local.get $t) (f64.const 0x1.a39ef35793c76p-33)))))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        ;; |x| < 2^-28: e^x rounds to 1 + x
        (if (i32.lt_u (local.get $hx) (i32.const 0x3e300000)) (then (return (f64.add (f64.const 1) (local.get $x)))))))
    ;; x is now in [−ln2/2, ln2/2]
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (local.set $twopk (f64.reinterpret_i64 (i64.shl
      (i64.extend_i32_u (i32.add (i32.const 0x3ff)
        (select (local.get $k) (i32.add (local.get $k) (i32.const 1000)) (i32.ge_s (local.get $k) (i32.const -1021)))))
      (i64.const 52))))
    (local.set $c (f64.sub (local.get $x) (f64.mul (local.get $t)
      (f64.add (f64.const 0x1.555555555553ep-3) (f64.mul (local.get $t)
      (f64.add (f64.const -0x1.6c16c16bebd93p-9) (f64.mul (local.get $t)
      (f64.add (f64.const 0x1.1566aaf25de2cp-14) (f64.mul (local.get $t)
      (f64.add (f64.const -0x1.bbd41c5d26bf1p-20) (f64.mul (local.get $t) (f64.const 0x1.6376972bea4d0p-25))))))))))))
    (if (i32.eqz (local.get $k)) (then
      (return (f64.sub (f64.const 1) (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2))) (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1)
      (f64.sub (f64.sub (local.get $lo) (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c)))) (local.get $hi))))
    (if (i32.ge_s (local.get $k) (i32.const -1021)) (then
      (if (i32.eq (local.get $k) (i32.const 1024)) (then
        (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 0x1p+1023)))))
      (return (f64.mul (local.get $y) (local.get $twopk)))))
    (f64.mul (f64.mul (local.get $y) (local.get $twopk)) (f64.const 0x1p-1000)))

  ;; ln x: x = 2^k (1 + f) with √2/2 ≤ 1 + f < √2, then log(1 + f) from s = f/(2 + f).
  (func $log (export "log") (param $x f64) (result f64)
    (local $bits i64) (local $hx i32) (local $lx i32) (local $k i32) (local $i i32) (local $j i32)
    (local $f f64) (local $s f64) (local $z f64) (local $w f64) (local $r f64)
    (local $t1 f64) (local $t2 f64) (local $dk f64) (local $hfsq f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $hx (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
    (local.set $lx (i32.wrap_i64 (local.get $bits)))
    (if (i32.lt_s (local.get $hx) (i32.const 0x00100000)) (then
      ;; ±0 → −∞, negative → NaN, subnormal → scale by 2^54
      (if (i32.eqz (i32.or (i32.and (local.get $hx) (i32.const 0x7fffffff)) (local.get $lx))) (then (return (f64.const -inf))))
      (if (i32.lt_s (local.get $hx) (i32.const 0)) (then (return (f64.const nan))))
      (local.set $k (i32.const -54))
      (local.set $x (f64.mul (local.get $x) (f64.const 0x1p+54)))
      (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))))
    (if (i32.ge_s (local.get $hx) (i32.const 0x7ff00000)) (then (return (f64.add (local.get $x) (local.get $x)))))
    (local.set $k (i32.add (local.get $k) (i32.sub (i32.shr_s (local.get $hx) (i32.const 20)) (i32.const 1023))))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x000fffff)))
    (local.set $i (i32.and (i32.add (local.get $hx) (i32.const 0x95f64)) (i32.const 0x100000)))
    ;; x or x/2, normalised into [√2/2, √2)
    (local.set $x (f64.reinterpret_i64 (i64.or
      (i64.and (i64.reinterpret_f64 (local.get $x)) (i64.const 0xffffffff))
      (i64.shl (i64.extend_i32_u (i32.or (local.get $hx) (i32.xor (local.get $i) (i32.const 0x3ff00000)))) (i64.const 32)))))
    (local.set $k (i32.add (local.get $k) (i32.shr_s (local.get $i) (i32.const 20))))
    (local.set $f (f64.sub (local.get $x) (f64.const 1)))
    (if (i32.lt_s (i32.and (i32.add (local.get $hx) (i32.const 2)) (i32.const 0x000fffff)) (i32.const 3)) (then
      ;; |f| < 2^-20
      (if (f64.eq (local.get $f) (f64.const 0)) (then
        (if (i32.eqz (local.get $k)) (then (return (f64.const 0))))
        (local.set $dk (f64.convert_i32_s (local.get $k)))
        (return (f64.add (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1)) (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))))))
      (local.set $r (f64.mul (f64.mul (local.get $f) (local.get $f))
        (f64.sub (f64.const 0.5) (f64.mul (f64.const 0.33333333333333333) (local.get $f)))))
      (if (i32.eqz (local.get $k)) (then (return (f64.sub (local.get $f) (local.get $r)))))
      (local.set $dk (f64.convert_i32_s (local.get $k)))
      (return (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
        (f64.sub (f64.sub (local.get $r) (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))) (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $dk (f64.convert_i32_s (local.get $k)))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $i (i32.sub (local.get $hx) (i32.const 0x6147a)))
    (local.set $w (f64.mul (local.get $z) (local.get $z)))
    (local.set $j (i32.sub (i32.const 0x6b851) (local.get $hx)))
    (local.set $t1 (f64.mul (local.get $w)
      (f64.add (f64.const 0x1.999999997fa04p-2) (f64.mul (local.get $w)
      (f64.add (f64.const 0x1.c71c51d8e78afp-3) (f64.mul (local.get $w) (f64.const 0x1.39a09d078c69fp-3)))))))
    (local.set $t2 (f64.mul (local.get $z)
      (f64.add (f64.const 0x1.5555555555593p-1) (f64.mul (local.get $w)
      (f64.add (f64.const 0x1.2492494229359p-2) (f64.mul (local.get $w)
      (f64.add (f64.const 0x1.7466496cb03dep-3) (f64.mul (local.get $w) (f64.const 0x1.2f112df3e5244p-3)))))))))
    (local.set $i (i32.or (local.get $i) (local.get $j)))
    (local.set $r (f64.add (local.get $t2) (local.get $t1)))
    (if (i32.gt_s (local.get $i) (i32.const 0)) (then
      (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
      (if (i32.eqz (local.get $k)) (then
        (return (f64.sub (local.get $f) (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $r))))))))
      (return (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
        (f64.sub (f64.sub (local.get $hfsq) (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $r))) (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33)))) (local.get $f))))))
    (if (i32.eqz (local.get $k)) (then
      (return (f64.sub (local.get $f) (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $r)))))))
    (f64.sub (f64.mul (local.get $dk) (f64.const 0x1.62e42feep-1))
      (f64.sub (f64.sub (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $r))) (f64.mul (local.get $dk) (f64.const 0x1.a39ef35793c76p-33))) (local.get $f))))

  ;; -------------------------------------------------------------------------------------------
  ;; Softmax and its cross-entropy, in the same order of operations as activations.ts and
  ;; losses.ts, so the results are the JavaScript ones bit for bit.

  ;; out = softmax of each column of Z (rows×cols): e^(z − max) / Σ e^(z − max).
  (func (export "softmax_cols") (param $out i32) (param $z i32) (param $rows i32) (param $cols i32)
    (local $j i32) (local $o i32) (local $end i32) (local $ld i32) (local $mx f64) (local $s f64) (local $e f64)
    (local.set $ld (i32.shl (local.get $cols) (i32.const 3)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $colsLoop
        (br_if $done (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $end (i32.add (i32.shl (local.get $j) (i32.const 3)) (i32.mul (local.get $rows) (local.get $ld))))
        (local.set $mx (f64.const -inf))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (block $maxDone
          (loop $maxLoop
            (br_if $maxDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $mx (f64.max (local.get $mx) (f64.load (i32.add (local.get $z) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (local.get $ld)))
            (br $maxLoop)))
        (local.set $s (f64.const 0))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (block $expDone
          (loop $expLoop
            (br_if $expDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $e (call $exp (f64.sub (f64.load (i32.add (local.get $z) (local.get $o))) (local.get $mx))))
            (f64.store (i32.add (local.get $out) (local.get $o)) (local.get $e))
            (local.set $s (f64.add (local.get $s) (local.get $e)))
            (local.set $o (i32.add (local.get $o) (local.get $ld)))
            (br $expLoop)))
        (local.set $o (i32.shl (local.get $j) (i32.const 3)))
        (block $divDone
          (loop $divLoop
            (br_if $divDone (i32.ge_u (local.get $o) (local.get $end)))
            (f64.store (i32.add (local.get $out) (local.get $o)) (f64.div (f64.load (i32.add (local.get $out) (local.get $o))) (local.get $s)))
            (local.set $o (i32.add (local.get $o) (local.get $ld)))
            (br $divLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $colsLoop))))

  ;; −Σ y log max(a, 1e-300) over the n entries whose y is not 0 (the caller divides by M).
  (func (export "ce_sum") (param $a i32) (param $y i32) (param $n i32) (result f64)
    (local $o i32) (local $end i32) (local $s f64) (local $yv f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $o (i32.const 0))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $yv (f64.load (i32.add (local.get $y) (local.get $o))))
        (if (f64.ne (local.get $yv) (f64.const 0)) (then
          (local.set $s (f64.sub (local.get $s) (f64.mul (local.get $yv)
            (call $log (f64.max (f64.load (i32.add (local.get $a) (local.get $o))) (f64.const 1e-300))))))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $entries)))
    (local.get $s))
)
