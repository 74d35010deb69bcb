/* Safe Places map helpers: numbered, keyboard-reachable markers and pan buttons.
   Loaded before the map's own script; only enhances a page that works without it. */
(function () {
  "use strict";

  function markerIcon(m) {
    var icon = document.createElement("span");
    // The visible number is hidden from screen readers; the full name is read instead.
    var shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = m.label || "";
    var name = document.createElement("span");
    name.className = "sp-visually-hidden";
    name.textContent = m.title;
    icon.appendChild(shown);
    icon.appendChild(name);
    return L.divIcon({
      html: icon.innerHTML,
      className: "sp-marker sp-marker-" + m.kind,
      iconSize: [44, 44],
      iconAnchor: [22, 22],
      popupAnchor: [0, -22]
    });
  }

  function addMarkers(map, markers) {
    var places = [];
    markers.forEach(function (m) {
      if (m.kind === "origin") {
        // The searched place is a picture only: the page heading already says it, and a
        // target under the numbered markers could not be pressed anyway.
        L.marker(m.latlng, {
          icon: markerIcon(m), interactive: false, keyboard: false, zIndexOffset: -1000
        }).addTo(map);
        return;
      }
      var marker = L.marker(m.latlng, {
        icon: markerIcon(m),
        title: m.title,
        alt: m.title,
        keyboard: true,
        riseOnHover: true
      }).addTo(map);
      // Popup HTML is built on the server from an autoescaping template.
      // Narrow maps get narrower popups, so the close button stays inside the map.
      marker.bindPopup(m.popup, {
        maxWidth: Math.max(160, Math.min(280, map.getSize().x - 70)),
        autoPanPadding: [12, 12]
      });
      var el = marker.getElement();
      if (el) {
        el.setAttribute("aria-label", m.title);
        // Escape closes the popup and leaves focus on the marker.
        el.addEventListener("keydown", function (event) {
          if (event.key === "Escape") { marker.closePopup(); }
        });
      }
      places.push({ marker: marker, home: L.latLng(m.latlng) });
    });
    var leaders = L.layerGroup().addTo(map);
    var spreadOut = function () { spread(map, places, leaders); };
    map.on("zoomend viewreset", spreadOut);
    map.whenReady(spreadOut);
    // The map is fitted to the markers after this script: spread again once that is done.
    window.setTimeout(spreadOut, 0);
    addPanControl(map);
  }

  // Markers closer on screen than this would cover each other: each must stay a whole
  // target (WCAG 2.5.8), so a crowded group is fanned out in a ring, with a thin line from
  // each marker to where the place really is. Recomputed at every zoom.
  var GAP = 48;

  function spread(map, places, leaders) {
    leaders.clearLayers();
    var points = places.map(function (p) { return map.latLngToLayerPoint(p.home); });
    var used = [];
    places.forEach(function (p, i) {
      if (used[i]) { return; }
      var group = [i];
      used[i] = true;
      for (var j = i + 1; j < places.length; j++) {
        if (!used[j] && group.some(function (g) { return points[g].distanceTo(points[j]) < GAP; })) {
          group.push(j);
          used[j] = true;
        }
      }
      if (group.length === 1) {
        p.marker.setLatLng(p.home);
        return;
      }
      var centre = group.reduce(function (acc, g) { return acc.add(points[g]); }, L.point(0, 0))
        .divideBy(group.length);
      // Neighbours on the ring are at least GAP apart: chord = 2r sin(pi/n).
      var radius = Math.max(GAP / (2 * Math.sin(Math.PI / group.length)), GAP / 2);
      group.forEach(function (g, k) {
        var angle = (2 * Math.PI * k) / group.length - Math.PI / 2;
        var at = centre.add(L.point(Math.cos(angle) * radius, Math.sin(angle) * radius));
        var latlng = map.layerPointToLatLng(at);
        places[g].marker.setLatLng(latlng);
        L.polyline([places[g].home, latlng], {
          interactive: false, color: "#1d1d1b", weight: 2
        }).addTo(leaders);
      });
    });
  }

  // Buttons to move the map, in a row under it (not over it, where they would hide
  // markers on a small screen), each with a word beside its arrow.
  function addPanControl(map) {
    var box = document.createElement("div");
    box.className = "sp-pan";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Move the map");
    [["up", "Move map up", 0, -1, "\u2191", "Up"], ["left", "Move map left", -1, 0, "\u2190", "Left"],
     ["right", "Move map right", 1, 0, "\u2192", "Right"], ["down", "Move map down", 0, 1, "\u2193", "Down"]]
      .forEach(function (d) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "sp-pan-" + d[0];
        b.setAttribute("aria-label", d[1]);
        var arrow = document.createElement("span");
        arrow.setAttribute("aria-hidden", "true");
        arrow.textContent = d[4] + " ";
        b.appendChild(arrow);
        b.appendChild(document.createTextNode(d[5]));
        b.addEventListener("click", function () { map.panBy([d[2] * 150, d[3] * 150]); });
        box.appendChild(b);
      });
    var frame = map.getContainer().closest(".sp-map") || map.getContainer();
    frame.parentNode.insertBefore(box, frame.nextSibling);
  }

  window.SafePlaces = window.SafePlaces || {};
  window.SafePlaces.addMarkers = addMarkers;
})();
