// backprop's step-by-step page. Every number comes from the page's data,
// written by Rust; this script only replays the steps onto the circuit.
// Loops only, no recursion, so any size of graph steps the same way.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("bp-data").textContent);
  var nodes = data.nodes;
  var steps = data.steps;
  var total = steps.length;
  var n = nodes.length;
  var out = data.output;

  // The SVG elements of each box, and the wires into it.
  var boxes = [];
  var position = {};
  for (var p = 0; p < n; p++) {
    var g = document.getElementById("n" + nodes[p].id);
    position["n" + nodes[p].id] = p;
    boxes.push({
      g: g,
      value: g ? g.querySelector("text.value") : null,
      grad: g ? g.querySelector("text.grad") : null,
      into: [],
      shownValue: null,
      shownGrad: null,
      classes: ""
    });
    if (g) {
      g.setAttribute("tabindex", "0");
      g.setAttribute("data-box", String(p));
    }
  }
  var paths = document.querySelectorAll("#bp-circuit path.edge");
  for (var e = 0; e < paths.length; e++) {
    var to = position[paths[e].getAttribute("data-to")];
    if (to !== undefined) boxes[to].into.push(paths[e]);
  }

  // The state after some steps: which values are computed, each box's
  // gradient so far and the contributions that made it.
  function initialState() {
    var s = { computed: [], grad: [], parts: [] };
    for (var i = 0; i < n; i++) {
      s.computed.push(nodes[i].stage === null);
      s.grad.push(null);
      s.parts.push(null);
    }
    if (data.seed !== null && total === 0) s.grad[out] = data.seed;
    return s;
  }

  function apply(step, s) {
    if (step.f !== undefined) {
      s.computed[step.f] = true;
      return;
    }
    if (step.b === out && s.grad[out] === null) s.grad[out] = step.up;
    for (var k = 0; k < step.s.length; k++) {
      var send = step.s[k];
      var to = send[0];
      s.grad[to] = send[3];
      if (s.parts[to] === null) s.parts[to] = [];
      s.parts[to].push({ from: step.b, local: send[1], sent: send[2] });
    }
  }

  var state = initialState();
  var applied = 0;
  var current = -1;
  var highlighted = { marks: [], wires: [] };

  // Small DOM helpers: text only, never HTML from the data.
  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined) x.textContent = text;
    return x;
  }
  function line(parent, pieces, cls) {
    var p = el("p", cls);
    for (var i = 0; i < pieces.length; i++) {
      var piece = pieces[i];
      if (typeof piece === "string") p.appendChild(document.createTextNode(piece));
      else p.appendChild(el("span", piece[0], piece[1]));
    }
    parent.appendChild(p);
    return p;
  }
  function ref(p) { return nodes[p].ref; }
  function d(p) { return "d" + ref(p); }
  function named(p) {
    var node = nodes[p];
    var unnamed = node.label === node.ref || node.label === "#" + node.id;
    return unnamed ? node.ref : node.ref + " " + node.label;
  }
  var outName = data.outputName;

  function setClass(b, cls) {
    var box = boxes[b];
    if (!box.g || box.classes === cls) return;
    var base = box.g.getAttribute("class").split(" ").filter(function (c) {
      return c.indexOf("bp-") !== 0;
    });
    box.g.setAttribute("class", base.concat(cls ? cls.split(" ") : []).join(" "));
    box.classes = cls;
  }

  function renderBox(b, cls) {
    var box = boxes[b];
    var valueText = state.computed[b] ? "value " + nodes[b].value : "";
    var gradText = state.grad[b] !== null ? "grad " + state.grad[b] : "";
    if (box.value && box.shownValue !== valueText) {
      box.value.textContent = valueText;
      box.shownValue = valueText;
    }
    if (box.grad && box.shownGrad !== gradText) {
      box.grad.textContent = gradText;
      box.shownGrad = gradText;
    }
    setClass(b, (state.computed[b] ? "" : "bp-pending") + (cls ? " " + cls : ""));
  }

  function highlight(step) {
    var marks = [];
    var wires = [];
    if (step) {
      var b = step.f !== undefined ? step.f : step.b;
      var forward = step.f !== undefined;
      marks.push([b, forward ? "bp-active bp-fwd" : "bp-active bp-bwd"]);
      for (var k = 0; k < boxes[b].into.length; k++) {
        var wire = boxes[b].into[k];
        wires.push([wire, forward ? "bp-fwd" : "bp-bwd"]);
        var from = position[wire.getAttribute("data-from")];
        if (from !== undefined && from !== b) {
          marks.push([from, forward ? "bp-reading" : "bp-receiving"]);
        }
      }
    }
    return { marks: marks, wires: wires };
  }

  // Shows step `target` (0 = the inputs only, total = the end).
  function go(target, fromHash) {
    target = Math.max(0, Math.min(total, Math.floor(Number(target) || 0)));
    var all = false;
    if (target < applied) {
      state = initialState();
      applied = 0;
      all = true;
    }
    var dirty = [];
    while (applied < target) {
      var step = steps[applied++];
      apply(step, state);
      if (step.f !== undefined) dirty.push(step.f);
      else {
        dirty.push(step.b);
        for (var k = 0; k < step.s.length; k++) dirty.push(step.s[k][0]);
      }
    }
    var previous = highlighted;
    var now = highlight(target > 0 ? steps[target - 1] : null);
    var cls = {};
    for (var i = 0; i < now.marks.length; i++) {
      var mark = now.marks[i];
      cls[mark[0]] = cls[mark[0]] ? cls[mark[0]] + " " + mark[1] : mark[1];
    }
    if (all || current < 0) {
      for (var b = 0; b < n; b++) renderBox(b, cls[b]);
    } else {
      for (i = 0; i < previous.marks.length; i++) renderBox(previous.marks[i][0], cls[previous.marks[i][0]]);
      for (i = 0; i < dirty.length; i++) renderBox(dirty[i], cls[dirty[i]]);
      for (i = 0; i < now.marks.length; i++) renderBox(now.marks[i][0], cls[now.marks[i][0]]);
    }
    for (i = 0; i < previous.wires.length; i++) previous.wires[i][0].classList.remove("bp-fwd", "bp-bwd");
    for (i = 0; i < now.wires.length; i++) now.wires[i][0].classList.add(now.wires[i][1]);
    highlighted = now;
    current = target;
    explain();
    controls();
    if (now.marks.length && boxes[now.marks[0][0]].g && boxes[now.marks[0][0]].g.scrollIntoView) {
      boxes[now.marks[0][0]].g.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    if (!fromHash) {
      var hash = "#step=" + current;
      if (location.hash !== hash) {
        try {
          history.replaceState(null, "", hash);
        } catch (err) {
          location.hash = hash;
        }
      }
    }
  }

  function explain() {
    var panel = document.getElementById("bp-explain");
    panel.textContent = "";
    var F = data.forwardStages;
    if (current === 0) {
      panel.className = "";
      var known = [];
      for (var i = 0; i < n; i++) {
        if (nodes[i].stage === null) {
          known.push(nodes[i].kind === "constant" ? "the constant " + nodes[i].value : ref(i) + " = " + nodes[i].value);
        }
      }
      line(panel, ["Start: the inputs are known: " + (known.join(", ") || "none") + "."]);
      line(panel, [total > 0
        ? "Step forward (\u2192) to compute the " + F + " stage(s), then backward through " + data.backwardSteps + " step(s)."
        : "Nothing to compute: the output is " + (data.seed !== null ? "an input, so d" + outName + "/d" + outName + " = 1.0." : "a constant.")]);
    } else {
      var step = steps[current - 1];
      if (step.f !== undefined) {
        panel.className = "bp-forward";
        var node = nodes[step.f];
        line(panel, ["Forward stage " + node.stage + " of " + F + " (" + node.gate + ")"]);
        var shown = node.label === node.formula ? [] : [" = " + node.formula];
        line(panel, [named(step.f)].concat(shown).concat([" = ", ["bp-val", node.value]]));
        var reads = [];
        for (var k = 0; k < boxes[step.f].into.length; k++) {
          var from = position[boxes[step.f].into[k].getAttribute("data-from")];
          var text = ref(from) + " = " + nodes[from].value;
          if (reads.indexOf(text) < 0) reads.push(text);
        }
        if (reads.length) line(panel, ["with " + reads.join(", ")], "bp-send");
      } else {
        panel.className = "bp-backward";
        var b = step.b;
        var j = current - F;
        line(panel, ["Backward step " + j + " of " + data.backwardSteps + ": " + named(b) + " = " + nodes[b].formula]);
        var up = b === out
          ? ["upstream d" + outName + "/d" + ref(b) + " = ", ["bp-grad", step.up], " (the output: d" + outName + "/d" + outName + " = 1)"]
          : ["upstream d" + outName + "/d" + ref(b) + " = ", ["bp-grad", step.up]];
        line(panel, up);
        if (step.s.length === 0) line(panel, ["its inputs are constants: nothing to send"], "bp-send");
        for (k = 0; k < step.s.length; k++) {
          var send = step.s[k];
          line(panel, [
            "to " + ref(send[0]) + ": local \u2202" + ref(b) + "/\u2202" + ref(send[0]) + " \u00d7 upstream = " +
            send[1] + " \u00d7 " + step.up + " = " + send[2]
          ], "bp-send");
          var pieces = [d(send[0]) + " += " + send[2] + "  \u2192  " + d(send[0]) + " = ", ["bp-grad", send[3]]];
          if (send[5] > 1) pieces.push(["bp-sum", "  (contribution " + send[4] + " of " + send[5] + ")"]);
          line(panel, pieces, "bp-send bp-acc");
        }
      }
    }
    if (current === total && total > 0) {
      var grads = [];
      for (i = 0; i < n; i++) {
        if ((nodes[i].kind === "input" || (i === out && nodes[i].stage === null)) && state.grad[i] !== null) {
          grads.push("d" + outName + "/d" + ref(i) + " = " + state.grad[i]);
        }
      }
      if (grads.length) line(panel, ["Done. Gradients: ", ["bp-grad", grads.join(", ")]]);
    }
  }

  function controls() {
    document.getElementById("bp-counter").textContent =
      "step " + current + " / " + total +
      (current === 0 ? " (inputs)" : current <= data.forwardStages ? " (forward)" : " (backward)");
    document.getElementById("bp-first").disabled = current === 0;
    document.getElementById("bp-prev").disabled = current === 0;
    document.getElementById("bp-next").disabled = current === total;
    document.getElementById("bp-last").disabled = current === total;
    var slider = document.getElementById("bp-slider");
    slider.max = String(total);
    slider.value = String(current);
  }

  // What hovering (or focusing) a box shows.
  function hoverText(b) {
    var node = nodes[b];
    var box = el("div");
    line(box, [named(b)]);
    if (node.kind === "constant") line(box, ["constant"], "bp-muted");
    else if (node.formula === null) line(box, [node.kind === "output" ? "input (the output)" : "input"], "bp-muted");
    else line(box, [node.ref + " = " + node.formula + "  (" + node.gate + ", forward stage " + node.stage + ")"]);
    if (state.computed[b]) {
      line(box, ["value ", ["bp-val", node.value]]);
      for (var k = 0; k < node.locals.length; k++) {
        line(box, ["local \u2202" + node.ref + "/\u2202" + node.locals[k][0] + " = " + node.locals[k][1]]);
      }
    } else {
      line(box, ["value and local derivatives: after forward stage " + node.stage], "bp-muted");
    }
    if (node.kind === "constant") {
      line(box, ["no gradient is kept for a constant"], "bp-muted");
    } else if (state.grad[b] !== null) {
      var parts = state.parts[b] || [];
      var sum = [];
      for (k = 0; k < parts.length; k++) sum.push(parts[k].sent + " (from " + ref(parts[k].from) + ")");
      line(box, ["grad ", ["bp-grad", state.grad[b]]].concat(parts.length > 1 ? [" = " + sum.join(" + ")] : parts.length === 1 ? [" (from " + ref(parts[0].from) + ")"] : []));
      if (node.contributions > parts.length) {
        line(box, [(node.contributions - parts.length) + " more contribution(s) to come"], "bp-muted");
      }
    } else {
      line(box, ["grad: not reached yet" + (node.contributions > 1 ? " (" + node.contributions + " contributions will add up)" : "")], "bp-muted");
    }
    return box;
  }

  var hover = document.getElementById("bp-hover");
  var hovered = null;
  function showHover(b, x, y) {
    hovered = b;
    hover.textContent = "";
    hover.appendChild(hoverText(b));
    hover.hidden = false;
    var w = hover.offsetWidth, h = hover.offsetHeight;
    hover.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4)) + "px";
    hover.style.top = Math.max(4, Math.min(y + 14, window.innerHeight - h - 4)) + "px";
  }
  function hideHover() {
    hovered = null;
    hover.hidden = true;
  }
  function boxOf(target) {
    var g = target && target.closest ? target.closest("g.node") : null;
    if (!g) return null;
    var b = g.getAttribute("data-box");
    return b === null ? null : Number(b);
  }
  var circuit = document.getElementById("bp-circuit");
  circuit.addEventListener("mousemove", function (ev) {
    var b = boxOf(ev.target);
    if (b === null) hideHover();
    else showHover(b, ev.clientX, ev.clientY);
  });
  circuit.addEventListener("mouseleave", hideHover);
  circuit.addEventListener("focusin", function (ev) {
    var b = boxOf(ev.target);
    if (b === null) return;
    var r = ev.target.getBoundingClientRect();
    showHover(b, r.right, r.top);
  });
  circuit.addEventListener("focusout", hideHover);

  function refreshHover() {
    if (hovered !== null && !hover.hidden) {
      hover.textContent = "";
      hover.appendChild(hoverText(hovered));
    }
  }

  document.getElementById("bp-first").addEventListener("click", function () { go(0); });
  document.getElementById("bp-prev").addEventListener("click", function () { go(current - 1); });
  document.getElementById("bp-next").addEventListener("click", function () { go(current + 1); });
  document.getElementById("bp-last").addEventListener("click", function () { go(total); });
  document.getElementById("bp-slider").addEventListener("input", function (ev) {
    go(ev.target.value);
    refreshHover();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.target.id === "bp-slider") return;
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: total };
    if (!(ev.key in moves)) return;
    ev.preventDefault();
    go(moves[ev.key]);
    refreshHover();
  });

  function fromHash() {
    var m = /^#step=(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : null;
  }
  window.addEventListener("hashchange", function () {
    var s = fromHash();
    if (s !== null && s !== current) go(s, true);
  });
  var start = fromHash();
  go(start === null ? 0 : start, start !== null && start <= total);
  document.body.setAttribute("data-ready", "true");
})();
