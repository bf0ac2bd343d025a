/* kg view: tooltips, details, search and type filter around a vis-network graph.
   Text from the graph reaches the page only through textContent / text nodes, never as
   markup, so a source sentence containing <script> or onerror= stays text. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = data.info, edgeInfo = data.edgeInfo;
  var stage = document.getElementById("stage");
  var tip = document.getElementById("tip");
  var details = document.getElementById("details");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"), { nodes: nodes, edges: edges }, data.options);
  var view = {
    network: network, nodes: nodes, edges: edges, info: info, edgeInfo: edgeInfo, docs: data.docs,
    ready: false, readyMs: null
  };
  window.kgView = view;
  network.once("afterDrawing", function () {
    view.ready = true;
    view.readyMs = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
  network.fit({ animation: false });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function docName(id) {
    var d = data.docs[id];
    if (!d) return id;
    if (d.title) return d.title + (d.date ? " (" + d.date + ")" : "");
    return d.file || id;
  }

  function row(box, key, value) {
    var r = el("div", "kg-row");
    r.appendChild(el("span", "kg-key", key + ": "));
    r.appendChild(document.createTextNode(value));
    box.appendChild(r);
  }

  // A card describing a node or an edge; `limit` caps the evidence rows shown.
  function describe(item, isEdge, limit, id) {
    var box = el("div", "kg-card");
    var head = el("div", "kg-head");
    head.appendChild(el("span", "kg-type", isEdge ? item.relation : item.type));
    head.appendChild(document.createTextNode(isEdge ? item.from + " → " + item.to : item.label));
    box.appendChild(head);
    if (!isEdge && item.aliases.length) row(box, "Aliases", item.aliases.join("、"));
    item.attrs.forEach(function (kv) { row(box, kv[0], kv[1]); });
    if (item.count !== null) row(box, "Mentions", String(item.count));
    if (item.curated && item.curated.length) {
      box.classList.add("kg-curated");
      row(box, "Curated", item.curated.join("; "));
    }
    if (item.docs.length) row(box, "Documents", item.docs.map(docName).join("; "));
    var ev = item.evidence;
    if (ev.length) {
      var ol = el("ol", "kg-ev");
      ev.slice(0, limit).forEach(function (r) {
        var li = el("li");
        // r[4]: the page of a PDF source ("p. 3")
        li.appendChild(el("span", "kg-doc", docName(r[0]) + (r.length > 4 ? ", p. " + r[4] : "")));
        li.appendChild(document.createTextNode(r[1]));
        li.appendChild(el("mark", null, r[2]));
        li.appendChild(document.createTextNode(r[3]));
        ol.appendChild(li);
      });
      box.appendChild(ol);
      var more = ev.length - Math.min(limit, ev.length) + item.more;
      if (more > 0) {
        // the page embeds the first few quotes only; every one is in the build's store
        box.appendChild(el("div", "kg-more", "… " + more + " more" +
          (more > item.more ? " (click to list them)" : " in kg.sqlite (mentions, sentences)")));
      }
    } else {
      box.appendChild(el("div", "kg-more", "No evidence recorded."));
    }
    if (id !== undefined) box.appendChild(serveLink(id, isEdge));
    return box;
  }

  // A plain link to the element's page in `kg serve` (followed only when clicked: the page
  // itself never asks the server anything), and how to start that server.
  function serveLink(id, isEdge) {
    var q;
    if (isEdge) {
      var e = edges.get(id);
      q = "edge?source=" + encodeURIComponent(e.from) + "&relation=" + encodeURIComponent(edgeInfo[id].relation) +
        "&target=" + encodeURIComponent(e.to);
    } else {
      q = "node?id=" + encodeURIComponent(id);
    }
    var box = el("div", "kg-serve");
    var a = el("a", null, "Every sentence in kg serve ↗");
    a.href = data.serve + "/" + q;
    a.target = "_blank";
    a.rel = "noopener";
    box.appendChild(a);
    box.appendChild(el("div", "kg-more", "Start it first: kg serve out (out: this build's folder)"));
    return box;
  }

  function showTip(card, pointer) {
    tip.replaceChildren(card);
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = pointer.x + 16, y = pointer.y + 16;
    if (x + w > stage.clientWidth) x = Math.max(0, pointer.x - w - 16);
    if (y + h > stage.clientHeight) y = Math.max(0, stage.clientHeight - h - 4);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function hideTip() { tip.hidden = true; }

  function pin(card) { details.replaceChildren(card); }

  network.on("hoverNode", function (p) { showTip(describe(info[p.node], false, 3), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(describe(edgeInfo[p.edge], true, 3), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    if (p.nodes.length) pin(describe(info[p.nodes[0]], false, Infinity, p.nodes[0]));
    else if (p.edges.length) pin(describe(edgeInfo[p.edges[0]], true, Infinity, p.edges[0]));
  });

  // ------------------------------------------------------------ type filter
  var hiddenTypes = {};
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#legend input[data-type]"));
  function applyFilter() {
    hiddenTypes = {};
    boxes.forEach(function (cb) { if (!cb.checked) hiddenTypes[cb.getAttribute("data-type")] = true; });
    nodes.update(Object.keys(info).map(function (id) {
      return { id: id, hidden: hiddenTypes[info[id].type] === true };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, hidden: hiddenTypes[info[e.from].type] === true || hiddenTypes[info[e.to].type] === true };
    }));
  }
  boxes.forEach(function (cb) { cb.addEventListener("change", applyFilter); });

  // ------------------------------------------------------------ search
  var q = document.getElementById("q");
  var qcount = document.getElementById("qcount");
  var haystack = Object.keys(info).map(function (id) {
    var item = info[id];
    return { id: id, text: [item.label].concat(item.aliases).join("\n").toLowerCase() };
  });

  function matches() {
    var needle = q.value.trim().toLowerCase();
    if (!needle) return [];
    return haystack.filter(function (h) {
      return hiddenTypes[info[h.id].type] !== true && h.text.indexOf(needle) >= 0;
    }).map(function (h) { return h.id; });
  }

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    pin(describe(info[id], false, Infinity, id));
  }

  function find() {
    var ids = matches();
    qcount.textContent = ids.length + " found";
    network.selectNodes(ids);
    if (!ids.length) return;
    if (ids.length === 1) { focusNode(ids[0]); return; }
    network.fit({ nodes: ids, animation: false });
    var list = el("div", "kg-matches");
    list.appendChild(el("div", "kg-head", ids.length + " matches"));
    ids.slice(0, 200).forEach(function (id) {
      var b = el("button", "kg-match", info[id].label + " · " + info[id].type);
      b.type = "button";
      b.addEventListener("click", function () { focusNode(id); });
      list.appendChild(b);
    });
    pin(list);
  }

  q.addEventListener("input", function () {
    var n = matches().length;
    qcount.textContent = q.value.trim() ? n + " found" : "";
  });
  q.addEventListener("keydown", function (e) { if (e.key === "Enter") find(); });
  document.getElementById("go").addEventListener("click", find);
  document.getElementById("fit").addEventListener("click", function () {
    network.fit({ animation: false });
  });
})();
