;; The inner loop of Backprop Lab's matrix product, in WebAssembly with 128-bit SIMD (f64x2).
;; The kernel for runtimes without relaxed SIMD (Node 20); gemm-fma.wat is used where it validates.
;;
;; Source of src/nn/kernels/gemm-wasm.ts: run `node scripts/build-gemm-wasm.mjs` after editing
;; this file (test/nn/gemm.test.ts fails while the two disagree).
;;
;; `gemm` computes C = Ã B̃ for operands that src/nn/kernels/product.ts has already packed into the shared
;; memory, one k-block after another (the first block stores, later ones add), for the row panels
;; ip0 .. ip1-1, so two threads can each take a share of the rows (src/nn/kernels/threads.ts):
;;   Ã: per k-block, mp panels of 4 rows, each kc steps long, stored k-major: panel ip, step p,
;;      row r at 8·((ip·kc + p)·4 + r) from the block's start
;;   B̃: per k-block, np panels of 4 columns, stored the same way
;;   C: row-major with ldc entries per row, at pc: the product's own C when it lives in the kernel
;;      memory and n is a multiple of 4 (ldc = n), else a padded copy (ldc = 4·np).
;; Every 4×4 tile of C lives in eight f64x2 registers while p runs over the panel: per step,
;; two loads of B̃, four broadcast loads of Ã and eight multiplies and adds do sixteen scalar
;; products. Larger tiles (4×6, 6×4, 4×8, 8×4) were measured slower here without fused
;; multiply-add: V8 spills their accumulators.
(module
  ;; Shared with the other thread of a split product (src/nn/kernels/threads.ts).
  (import "env" "memory" (memory 1 16384 shared))

  ;; One k-block: C[ip0·4.., all columns] (=|+=) Ã[block] B̃[block], panels ip0 .. ip0+mp-1.
  (func $tiles
    (param $pa i32) (param $pb i32) (param $pc i32)
    (param $mp i32) (param $np i32) (param $kc i32) (param $ldc i32) (param $store i32)
    (local $ip i32) (local $jp i32) (local $p i32) (local $a i32) (local $b i32) (local $c i32)
    (local $panelA i32) (local $panelB i32) (local $rowBytes i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $ar v128)
    ;; bytes per packed panel of Ã (4 values a step) and of B̃ (4), and per row of C
    (local.set $panelA (i32.mul (local.get $kc) (i32.const 32)))
    (local.set $panelB (i32.mul (local.get $kc) (i32.const 32)))
    (local.set $rowBytes (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $ip (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $ip) (local.get $mp)))
        (local.set $jp (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $jp) (local.get $np)))
            (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
            (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
            (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
            (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
            (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $ip) (local.get $panelA))))
            (local.set $b (i32.add (local.get $pb) (i32.mul (local.get $jp) (local.get $panelB))))
            (local.set $p (local.get $kc))
            (block $stepsDone
              (loop $steps
                (br_if $stepsDone (i32.eqz (local.get $p)))
                ;; columns 0-1, 2-3 of B̃ at this step
                (local.set $b0 (v128.load (local.get $b)))
                (local.set $b1 (v128.load offset=16 (local.get $b)))
                ;; row 0 of Ã, broadcast
                (local.set $ar (v128.load64_splat (local.get $a)))
                (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $ar) (local.get $b0))))
                (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $ar) (local.get $b1))))
                ;; row 1 of Ã, broadcast
                (local.set $ar (v128.load64_splat offset=8 (local.get $a)))
                (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $ar) (local.get $b0))))
                (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $ar) (local.get $b1))))
                ;; row 2 of Ã, broadcast
                (local.set $ar (v128.load64_splat offset=16 (local.get $a)))
                (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $ar) (local.get $b0))))
                (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $ar) (local.get $b1))))
                ;; row 3 of Ã, broadcast
                (local.set $ar (v128.load64_splat offset=24 (local.get $a)))
                (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $ar) (local.get $b0))))
                (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $ar) (local.get $b1))))
                (local.set $a (i32.add (local.get $a) (i32.const 32)))
                (local.set $b (i32.add (local.get $b) (i32.const 32)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $steps)))
            ;; C[4ip + r, 4jp ..] = (or +=) tile row r
            (local.set $c
              (i32.add (local.get $pc)
                (i32.shl
                  (i32.add (i32.mul (i32.mul (local.get $ip) (i32.const 4)) (local.get $ldc))
                           (i32.mul (local.get $jp) (i32.const 4)))
                  (i32.const 3))))
            (if (local.get $store)
              (then
                (v128.store (local.get $c) (local.get $c00))
                (v128.store offset=16 (local.get $c) (local.get $c01))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (local.get $c10))
                (v128.store offset=16 (local.get $c) (local.get $c11))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (local.get $c20))
                (v128.store offset=16 (local.get $c) (local.get $c21))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (local.get $c30))
                (v128.store offset=16 (local.get $c) (local.get $c31)))
              (else
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c00)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c10)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c20)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c30)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c31)))))
            (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
            (br $cols)))
        (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
        (br $rows))))

  ;; The whole product for row panels ip0 .. ip1-1: every k-block in turn, the first one storing.
  ;; Blocks lie one after another, each kc = min(KC, k - k0) steps long.
  (func (export "gemm")
    (param $pa i32) (param $pb i32) (param $pc i32)
    (param $mp i32) (param $np i32) (param $k i32) (param $KC i32) (param $ldc i32)
    (param $ip0 i32) (param $ip1 i32)
    (local $k0 i32) (local $kc i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $k0) (local.get $k)))
        (local.set $kc (select (local.get $KC) (i32.sub (local.get $k) (local.get $k0))
          (i32.lt_u (local.get $KC) (i32.sub (local.get $k) (local.get $k0)))))
        (call $tiles
          (i32.add (local.get $pa) (i32.mul (local.get $ip0) (i32.mul (local.get $kc) (i32.const 32))))
          (local.get $pb)
          (i32.add (local.get $pc) (i32.mul (local.get $ip0) (i32.mul (local.get $ldc) (i32.const 32))))
          (i32.sub (local.get $ip1) (local.get $ip0)) (local.get $np) (local.get $kc) (local.get $ldc)
          (i32.eqz (local.get $k0)))
        (local.set $pa (i32.add (local.get $pa) (i32.mul (local.get $mp) (i32.mul (local.get $kc) (i32.const 32)))))
        (local.set $pb (i32.add (local.get $pb) (i32.mul (local.get $np) (i32.mul (local.get $kc) (i32.const 32)))))
        (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
        (br $blocks)))))
