use candle_core::{Device, Tensor, Var};

fn main() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    let x = Var::from_tensor(&Tensor::new(&[[[[1f64, 2.], [3., 4.]]]], &dev)?)?;
    let y = x.as_tensor().max_pool2d(2)?;
    let g = y.sum_all()?.backward()?;
    println!("max_pool2d grad {:?}", g.get(x.as_tensor()).unwrap().to_vec3::<f64>());
    println!("{:?}", g.get(x.as_tensor()).unwrap().flatten_all()?.to_vec1::<f64>()?);
    let x = Var::from_tensor(&Tensor::arange(0f64, 9., &dev)?.reshape((1, 1, 3, 3))?)?;
    let y = x.as_tensor().avg_pool2d(2)?;
    let g = y.sum_all()?.backward()?;
    println!("avg_pool2d 3x3 grad {:?}", g.get(x.as_tensor()).unwrap().flatten_all()?.to_vec1::<f64>()?);
    Ok(())
}
