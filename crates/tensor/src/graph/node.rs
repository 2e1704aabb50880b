//! How a tensor operation sits on the shared engine's tape.

use std::marker::PhantomData;

use backprop_graph::engine::{Cotangent, NodeId, Operation};
use ndarray::{ArcArray, ArrayD, ArrayViewD, IxDyn};

use crate::op::Grad;
use crate::{Element, TensorOp};

/// A tensor value on the tape: forward values and gradients alike.
///
/// Reference-counted storage lets `transpose` and `reshape` record their
/// result as a strided view of their input's data instead of a copy. (A
/// newtype because the engine's `Cotangent` trait and ndarray's array type
/// both live in other crates.)
#[derive(Clone, Debug)]
pub(crate) struct Value<A: Element>(pub(crate) ArcArray<A, IxDyn>);

impl<A: Element> Cotangent for Value<A> {
    /// `None` until the first contribution arrives, so nodes off the path
    /// allocate nothing.
    type Slot = Option<Value<A>>;

    fn empty_slot() -> Self::Slot {
        None
    }

    fn accumulate(slot: &mut Self::Slot, contribution: Self) {
        match slot {
            None => *slot = Some(contribution),
            Some(sum) => {
                assert_eq!(
                    sum.0.shape(),
                    contribution.0.shape(),
                    "every contribution has its input's shape"
                );
                sum.0.zip_mut_with(&contribution.0, |s, &c| *s = *s + c);
            }
        }
    }

    fn read(slot: &Self::Slot) -> &Self {
        slot.as_ref()
            .expect("the engine reads only slots that received a contribution")
    }
}

/// One node of a tensor graph.
#[derive(Debug)]
pub(crate) enum Node<A> {
    /// An input tensor: a trainable leaf wants its gradient, a constant
    /// (data, labels) does not.
    Leaf {
        trainable: bool,
        element: PhantomData<fn() -> A>,
    },
    /// `op` applied to `inputs`, each with whether its gradient is wanted
    /// (whether a trainable leaf lies behind it), so that backward spends
    /// nothing on constants such as the data in `X·W`.
    Apply {
        op: TensorOp,
        inputs: Box<[(NodeId, bool)]>,
        /// What the forward pass kept for the backward pass
        /// ([`TensorOp::forward_saving`]), such as the probabilities of
        /// the fused softmax cross-entropy.
        saved: Option<ArrayD<A>>,
    },
}

impl<A> Node<A> {
    /// Whether a gradient with respect to this node leads anywhere: it is a
    /// trainable leaf or depends on one.
    pub(crate) fn wants_gradient(&self) -> bool {
        match self {
            Node::Leaf { trainable, .. } => *trainable,
            Node::Apply { inputs, .. } => inputs.iter().any(|&(_, wanted)| wanted),
        }
    }
}

impl<A: Element> Operation for Node<A> {
    type Value = Value<A>;

    fn backward<S: FnMut(NodeId, Value<A>)>(
        &self,
        node: NodeId,
        values: &[Value<A>],
        upstream: &Value<A>,
        mut send: S,
    ) {
        let Node::Apply { op, inputs, saved } = self else {
            return;
        };
        if !self.wants_gradient() {
            return;
        }
        let args: Vec<ArrayViewD<'_, A>> = inputs
            .iter()
            .map(|(i, _)| values[i.index()].0.view())
            .collect();
        let wanted: Vec<bool> = inputs.iter().map(|&(_, w)| w).collect();
        let output = values[node.index()].0.view();
        let grads = op
            .vjp_saved(&args, &output, &upstream.0.view(), &wanted, saved.as_ref())
            .expect("shapes were checked when the node was recorded");
        for (&(input, _), grad) in inputs.iter().zip(grads) {
            match grad {
                Some(Grad::New(grad)) => send(input, Value(grad.into_shared())),
                // Shared, not copied: a later contribution to the same slot
                // copies it first (ArcArray is copy-on-write).
                Some(Grad::Upstream) => send(input, upstream.clone()),
                None => {}
            }
        }
    }
}
