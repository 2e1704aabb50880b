//! Indexing: `gather`, `scatter`, `select`, `select_assign`, `slice`,
//! `slice_assign`, `mask_where`, `mask_fill`, `take`.

use burn_tensor::{IndexingUpdateOp, Tensor, s};
use ndarray::{ArrayD, IxDyn};

use crate::audit::{Case, Sampler};

/// The cases.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut cases = Vec::new();
    for dim in 0..2 {
        // gather: repeated indices accumulate into the same source element.
        let name = format!("Tensor::gather(dim={dim})");
        let mut r = Sampler::new(seed, &name);
        let x = r.uniform(&[3, 4], -2.0, 2.0);
        let idx_shape = if dim == 0 { [5, 4] } else { [3, 6] };
        let idx = r.indices(&idx_shape, [3, 4][dim]);
        cases.push(Case::new(name, vec![("x", x)], move |t| {
            Ok(t.tensor::<2>(0)?.gather(dim, t.int::<2>(&idx)?))
        }));

        // scatter (add): gradient to the tensor and to the values. burn
        // wants the indices (and values) shaped like the tensor except
        // along `dim`.
        let name = format!("Tensor::scatter(dim={dim}, IndexingUpdateOp::Add)");
        let mut r = Sampler::new(seed, &name);
        let x = r.uniform(&[3, 4], -2.0, 2.0);
        let idx_shape = if dim == 0 { [2, 4] } else { [3, 2] };
        let values = r.uniform(&idx_shape, -2.0, 2.0);
        let idx = r.indices(&idx_shape, [3, 4][dim]);
        cases.push(Case::new(
            name,
            vec![("x", x), ("values", values)],
            move |t| {
                Ok(t.tensor::<2>(0)?.scatter(
                    dim,
                    t.int::<2>(&idx)?,
                    t.tensor::<2>(1)?,
                    IndexingUpdateOp::Add,
                ))
            },
        ));

        // select with a repeated index.
        let name = format!("Tensor::select(dim={dim}, repeated indices)");
        let mut r = Sampler::new(seed, &name);
        let x = r.uniform(&[3, 4], -2.0, 2.0);
        let n = [3, 4][dim];
        let mut idx: Vec<i64> = r.indices(&[4], n).iter().copied().collect();
        idx.push(idx[0]);
        let idx = ArrayD::from_shape_vec(IxDyn(&[idx.len()]), idx).expect("1-D");
        cases.push(Case::new(name, vec![("x", x)], move |t| {
            Ok(t.tensor::<2>(0)?.select(dim, t.int::<1>(&idx)?))
        }));

        // select_assign (add), repeated indices accumulate.
        let name = format!("Tensor::select_assign(dim={dim}, IndexingUpdateOp::Add)");
        let mut r = Sampler::new(seed, &name);
        let x = r.uniform(&[3, 4], -2.0, 2.0);
        let idx = ArrayD::from_shape_vec(IxDyn(&[3]), vec![1, 0, 1]).expect("1-D");
        let vshape = if dim == 0 { [3, 4] } else { [3, 3] };
        let values = r.uniform(&vshape, -2.0, 2.0);
        cases.push(Case::new(
            name,
            vec![("x", x), ("values", values)],
            move |t| {
                Ok(t.tensor::<2>(0)?.select_assign(
                    dim,
                    t.int::<1>(&idx)?,
                    t.tensor::<2>(1)?,
                    IndexingUpdateOp::Add,
                ))
            },
        ));
    }

    // slice: ranges, steps, negative steps.
    type Slice3 = fn(Tensor<3>) -> Tensor<3>;
    let slices: [(&str, Slice3); 4] = [
        ("Tensor::slice([1..3, .., 0..2])", |x| {
            x.slice([1..3, 0..3, 0..2])
        }),
        ("Tensor::slice(s![.., 0..3;2, ..])", |x| {
            x.slice(s![.., 0..3;2, ..])
        }),
        ("Tensor::slice(s![..;-1, .., 1..])", |x| {
            x.slice(s![..;-1, .., 1..])
        }),
        ("Tensor::slice_dim(2, 1..4)", |x| x.slice_dim(2, 1..4)),
    ];
    for (name, f) in slices {
        let x = Sampler::new(seed, name).uniform(&[4, 3, 5], -2.0, 2.0);
        cases.push(Case::new(name, vec![("x", x)], move |t| {
            Ok(f(t.tensor::<3>(0)?))
        }));
    }
    type Assign = fn(Tensor<2>, Tensor<2>) -> Tensor<2>;
    let assigns: [(&str, [usize; 2], Assign); 2] = [
        ("Tensor::slice_assign([1..3, 0..2])", [2, 2], |x, v| {
            x.slice_assign([1..3, 0..2], v)
        }),
        ("Tensor::slice_assign(s![..;2, 1..])", [2, 3], |x, v| {
            x.slice_assign(s![..;2, 1..], v)
        }),
    ];
    for (name, vshape, f) in assigns {
        let mut r = Sampler::new(seed, name);
        let x = r.uniform(&[4, 4], -2.0, 2.0);
        let v = r.uniform(&vshape, -2.0, 2.0);
        cases.push(Case::new(name, vec![("x", x), ("values", v)], move |t| {
            Ok(f(t.tensor::<2>(0)?, t.tensor::<2>(1)?))
        }));
    }

    // mask_where / mask_fill.
    let name = "Tensor::mask_where";
    let mut r = Sampler::new(seed, name);
    let (x, v, mask) = (
        r.uniform(&[3, 4], -2.0, 2.0),
        r.uniform(&[3, 4], -2.0, 2.0),
        r.mask(&[3, 4]),
    );
    cases.push(Case::new(name, vec![("x", x), ("value", v)], move |t| {
        Ok(t.tensor::<2>(0)?
            .mask_where(t.bool::<2>(&mask)?, t.tensor::<2>(1)?))
    }));
    let name = "Tensor::mask_where(broadcast value [1, 4])";
    let mut r = Sampler::new(seed, name);
    let (x, v, mask) = (
        r.uniform(&[3, 4], -2.0, 2.0),
        r.uniform(&[1, 4], -2.0, 2.0),
        r.mask(&[3, 4]),
    );
    cases.push(Case::new(name, vec![("x", x), ("value", v)], move |t| {
        Ok(t.tensor::<2>(0)?
            .mask_where(t.bool::<2>(&mask)?, t.tensor::<2>(1)?))
    }));
    let name = "Tensor::mask_fill(0.5)";
    let mut r = Sampler::new(seed, name);
    let (x, mask) = (r.uniform(&[3, 4], -2.0, 2.0), r.mask(&[3, 4]));
    cases.push(Case::new(name, vec![("x", x)], move |t| {
        Ok(t.tensor::<2>(0)?.mask_fill(t.bool::<2>(&mask)?, 0.5))
    }));
    cases
}
