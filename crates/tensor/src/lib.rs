//! Tensors for backpropagation (placeholder: the matmul work lands with its own issue).
