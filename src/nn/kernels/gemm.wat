;; The inner loop of Backprop Lab's matrix product, in WebAssembly with 128-bit SIMD (f64x2).
;;
;; Source of src/nn/kernels/gemm-wasm.ts: run `node scripts/build-gemm-wasm.mjs` after editing
;; this file (test/nn/gemm.test.ts fails while the two disagree).
;;
;; `tiles` computes C += Ã B̃ (or C = Ã B̃ when $store is 1, so the first k-block needs no zeroed C)
;; for operands that src/nn/kernels/product.ts has already packed into this module's memory:
;;   Ã: mp panels of 4 rows, each kc steps long, stored k-major: panel ip, step p, row r at
;;      pa + 8·((ip·kc + p)·4 + r)
;;   B̃: np panels of 4 columns, stored the same way: panel jp, step p, column s at
;;      pb + 8·((jp·kc + p)·4 + s)
;;   C: row-major with ldc entries per row (ldc = 4·np, padded), at pc.
;; Every 4×4 tile of C lives in eight f64x2 registers while p runs over the panel: per step,
;; two loads of B̃, four broadcast loads of Ã and eight multiply-adds do sixteen scalar products.
;; Larger tiles (4×6, 6×4, 4×8, 8×4) were measured slower here: V8 spills their accumulators.
(module
  (memory (export "memory") 1)
  (func (export "tiles")
    (param $pa i32) (param $pb i32) (param $pc i32)
    (param $mp i32) (param $np i32) (param $kc i32) (param $ldc i32) (param $store i32)
    (local $ip i32) (local $jp i32) (local $p i32)
    (local $a i32) (local $b i32) (local $c i32)
    (local $panel i32) (local $rowBytes i32)
    (local $c0l v128) (local $c0h v128) (local $c1l v128) (local $c1h v128)
    (local $c2l v128) (local $c2h v128) (local $c3l v128) (local $c3h v128)
    (local $bl v128) (local $bh v128) (local $ar v128)
    ;; bytes per packed panel (4 values per step) and per row of C
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $rowBytes (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $ip (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $ip) (local.get $mp)))
        (local.set $jp (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $jp) (local.get $np)))
            (local.set $c0l (v128.const i64x2 0 0)) (local.set $c0h (v128.const i64x2 0 0))
            (local.set $c1l (v128.const i64x2 0 0)) (local.set $c1h (v128.const i64x2 0 0))
            (local.set $c2l (v128.const i64x2 0 0)) (local.set $c2h (v128.const i64x2 0 0))
            (local.set $c3l (v128.const i64x2 0 0)) (local.set $c3h (v128.const i64x2 0 0))
            (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $ip) (local.get $panel))))
            (local.set $b (i32.add (local.get $pb) (i32.mul (local.get $jp) (local.get $panel))))
            (local.set $p (local.get $kc))
            (block $stepsDone
              (loop $steps
                (br_if $stepsDone (i32.eqz (local.get $p)))
                ;; columns 0-1 and 2-3 of B̃ at this step
                (local.set $bl (v128.load (local.get $b)))
                (local.set $bh (v128.load offset=16 (local.get $b)))
                ;; row 0 of Ã, broadcast
                (local.set $ar (v128.load64_splat (local.get $a)))
                (local.set $c0l (f64x2.add (local.get $c0l) (f64x2.mul (local.get $ar) (local.get $bl))))
                (local.set $c0h (f64x2.add (local.get $c0h) (f64x2.mul (local.get $ar) (local.get $bh))))
                ;; row 1
                (local.set $ar (v128.load64_splat offset=8 (local.get $a)))
                (local.set $c1l (f64x2.add (local.get $c1l) (f64x2.mul (local.get $ar) (local.get $bl))))
                (local.set $c1h (f64x2.add (local.get $c1h) (f64x2.mul (local.get $ar) (local.get $bh))))
                ;; row 2
                (local.set $ar (v128.load64_splat offset=16 (local.get $a)))
                (local.set $c2l (f64x2.add (local.get $c2l) (f64x2.mul (local.get $ar) (local.get $bl))))
                (local.set $c2h (f64x2.add (local.get $c2h) (f64x2.mul (local.get $ar) (local.get $bh))))
                ;; row 3
                (local.set $ar (v128.load64_splat offset=24 (local.get $a)))
                (local.set $c3l (f64x2.add (local.get $c3l) (f64x2.mul (local.get $ar) (local.get $bl))))
                (local.set $c3h (f64x2.add (local.get $c3h) (f64x2.mul (local.get $ar) (local.get $bh))))
                (local.set $a (i32.add (local.get $a) (i32.const 32)))
                (local.set $b (i32.add (local.get $b) (i32.const 32)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $steps)))
            ;; C[4ip + r, 4jp .. 4jp+3] = (or +=) tile row r
            (local.set $c
              (i32.add (local.get $pc)
                (i32.shl
                  (i32.add (i32.mul (i32.shl (local.get $ip) (i32.const 2)) (local.get $ldc))
                           (i32.shl (local.get $jp) (i32.const 2)))
                  (i32.const 3))))
            (if (local.get $store)
              (then
                (v128.store (local.get $c) (local.get $c0l))
                (v128.store offset=16 (local.get $c) (local.get $c0h))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (local.get $c1l))
                (v128.store offset=16 (local.get $c) (local.get $c1h))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (local.get $c2l))
                (v128.store offset=16 (local.get $c) (local.get $c2h))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (local.get $c3l))
                (v128.store offset=16 (local.get $c) (local.get $c3h)))
              (else
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c0l)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c0h)))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c1l)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c1h)))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c2l)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c2h)))
                (local.set $c (i32.add (local.get $c) (local.get $rowBytes)))
                (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c3l)))
                (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c3h)))))
            (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
            (br $cols)))
        (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
        (br $rows)))))
