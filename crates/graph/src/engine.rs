//! The one engine: a tape of operations in creation order, and a backward
//! pass that walks it in reverse.
//!
//! Scalar graphs ([`Graph`](crate::Graph)) and tensor graphs (in
//! `backprop-tensor`) both record onto a [`Tape`]; they differ only in their
//! value type and their [`Operation`] set.
//!
//! Creation order is already a topological order (an operation can only read
//! nodes that exist), so backward needs no sort and no recursion: it visits
//! nodes from the output down to node 0, skipping nodes the output does not
//! depend on, and adds each node's contributions into its inputs' slots.

use std::collections::HashMap;

/// Index of a node on a [`Tape`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    /// Position of the node on its tape (creation order).
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id with this raw index (callers guarantee the node exists).
    pub(crate) fn from_raw(index: u32) -> NodeId {
        NodeId(index)
    }
}

/// A value that gradients can be accumulated into.
///
/// `Slot` is a node's gradient storage before and while contributions arrive;
/// for `f64` it is the number itself (starting at `0`), for tensors an
/// `Option` so that untouched nodes allocate nothing.
pub trait Cotangent: Sized {
    /// Per-node gradient storage.
    type Slot;
    /// A slot that has received nothing yet.
    fn empty_slot() -> Self::Slot;
    /// Adds one contribution into a slot (fan-out accumulates here).
    fn accumulate(slot: &mut Self::Slot, contribution: Self);
    /// The accumulated gradient of a slot that has received at least one
    /// contribution.
    fn read(slot: &Self::Slot) -> &Self;
}

impl Cotangent for f64 {
    type Slot = f64;
    fn empty_slot() -> f64 {
        0.0
    }
    /// Adds `contribution`, zeros included (`s + 0 == s` bit for bit for
    /// every slot, since a slot starts at `+0` and a sum of floats is `-0`
    /// only when both terms are).
    // Skipping zeros spared a read of the slot, often a cache miss on a
    // large graph, but cost a branch that the losing side of a max or a
    // ReLU's dead half mispredicts: adding them anyway made backward on the
    // bench's layered DAG 8% faster and left the chain DAG, whose zeros
    // come through the zero-upstream path, unchanged (`cargo xtask bench`,
    // builds alternated six times, medians).
    #[inline]
    fn accumulate(slot: &mut f64, contribution: f64) {
        *slot += contribution;
    }
    #[inline]
    fn read(slot: &f64) -> &f64 {
        slot
    }
}

/// One kind of node on a tape, knowing its own inputs and backward rule.
pub trait Operation {
    /// What flows forward and backward (`f64`, a tensor, ...).
    type Value: Cotangent;

    /// Sends this node's contribution to each input: for every input `i`,
    /// `send(i, ∂node/∂i · upstream)`. `values` holds every forward value on
    /// the tape (inputs always precede `node`).
    fn backward<S: FnMut(NodeId, Self::Value)>(
        &self,
        node: NodeId,
        values: &[Self::Value],
        upstream: &Self::Value,
        send: S,
    );
}

/// Watches a backward pass step by step (used to build traces).
///
/// Both methods default to doing nothing, and `()` is the observer that
/// watches nothing, so the plain backward pass pays nothing for this hook.
pub trait Observer<V> {
    /// Node `node` is about to send contributions; its gradient is `upstream`.
    fn visit(&mut self, node: NodeId, upstream: &V) {
        let _ = (node, upstream);
    }
    /// `from` sent `contribution` to its input `to`.
    fn contribution(&mut self, from: NodeId, to: NodeId, contribution: &V) {
        let _ = (from, to, contribution);
    }
}

impl<V> Observer<V> for () {}

/// An arena of operations and their forward values, in creation order.
///
/// Nodes never point at later nodes, and nothing is reference-counted, so
/// dropping a tape of any length is a flat deallocation.
#[derive(Debug)]
pub struct Tape<O: Operation> {
    ops: Vec<O>,
    values: Vec<O::Value>,
    names: HashMap<NodeId, Box<str>>,
}

impl<O: Operation> Default for Tape<O> {
    fn default() -> Self {
        Tape::new()
    }
}

impl<O: Operation> Tape<O> {
    /// An empty tape.
    pub fn new() -> Self {
        Tape::with_capacity(0)
    }

    /// An empty tape with room for `nodes` nodes.
    pub fn with_capacity(nodes: usize) -> Self {
        Tape {
            ops: Vec::with_capacity(nodes),
            values: Vec::with_capacity(nodes),
            names: HashMap::new(),
        }
    }

    /// Appends a node whose forward value is already computed.
    ///
    /// # Panics
    ///
    /// If the tape already holds `u32::MAX` nodes.
    #[inline]
    pub fn push(&mut self, op: O, value: O::Value) -> NodeId {
        let id = u32::try_from(self.ops.len())
            .ok()
            .filter(|&i| i < u32::MAX)
            .expect("a tape holds at most u32::MAX - 1 nodes");
        self.ops.push(op);
        self.values.push(value);
        NodeId(id)
    }

    /// Number of nodes.
    #[inline]
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the tape has no nodes.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The node with this creation index, if it exists.
    #[inline]
    pub fn node(&self, index: usize) -> Option<NodeId> {
        (index < self.len()).then_some(NodeId(index as u32))
    }

    /// Forward value of a node.
    #[inline]
    pub fn value(&self, id: NodeId) -> &O::Value {
        &self.values[id.index()]
    }

    /// Every forward value, in creation order.
    pub fn values(&self) -> &[O::Value] {
        &self.values
    }

    /// The operation that produced a node.
    pub fn op(&self, id: NodeId) -> &O {
        &self.ops[id.index()]
    }

    /// Names a node (for traces and diagrams).
    pub fn set_name(&mut self, id: NodeId, name: &str) {
        self.names.insert(id, name.into());
    }

    /// A node's name, if it was given one.
    pub fn name(&self, id: NodeId) -> Option<&str> {
        self.names.get(&id).map(|n| &**n)
    }

    /// Gradients of `output` with respect to every node it depends on, with
    /// `seed` as `d output / d output`.
    pub fn backward(&self, output: NodeId, seed: O::Value) -> Gradients<O::Value> {
        self.backward_observed(output, seed, &mut ())
    }

    /// [`backward`](Tape::backward), reporting each step to `observer`.
    ///
    /// Nodes after `output` and nodes `output` does not depend on are never
    /// visited, so a non-finite local derivative off the path cannot leak
    /// NaN into a gradient.
    pub fn backward_observed(
        &self,
        output: NodeId,
        seed: O::Value,
        observer: &mut impl Observer<O::Value>,
    ) -> Gradients<O::Value> {
        let n = output.index() + 1;
        let mut slots: Vec<<O::Value as Cotangent>::Slot> =
            (0..n).map(|_| O::Value::empty_slot()).collect();
        let mut reached = vec![false; n];
        O::Value::accumulate(&mut slots[n - 1], seed);
        reached[n - 1] = true;
        for i in (0..n).rev() {
            if !reached[i] {
                continue;
            }
            let node = NodeId(i as u32);
            // Inputs precede their node, so their slots are all in `below`.
            let (below, here) = slots.split_at_mut(i);
            let reached_below = &mut reached[..i];
            let upstream = O::Value::read(&here[0]);
            observer.visit(node, upstream);
            self.ops[i].backward(node, &self.values, upstream, |to, contribution| {
                observer.contribution(node, to, &contribution);
                O::Value::accumulate(&mut below[to.index()], contribution);
                reached_below[to.index()] = true;
            });
        }
        Gradients { slots, reached }
    }
}

/// The result of a backward pass: one gradient per node up to the output.
#[derive(Debug, Clone)]
pub struct Gradients<V: Cotangent> {
    slots: Vec<V::Slot>,
    reached: Vec<bool>,
}

impl<V: Cotangent> Gradients<V> {
    /// The gradient of the output with respect to `id`, or `None` when the
    /// output does not depend on `id` (or `id` came after the output).
    pub fn get(&self, id: NodeId) -> Option<&V> {
        let i = id.index();
        (i < self.reached.len() && self.reached[i]).then(|| V::read(&self.slots[i]))
    }

    /// Number of nodes covered (the output's index + 1).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no node is covered (never true for a finished pass).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
