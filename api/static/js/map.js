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
    markers.forEach(function (m) {
      var marker = L.marker(m.latlng, {
        icon: markerIcon(m),
        // The searched place sits under the numbered markers, never on top of one.
        zIndexOffset: m.kind === "origin" ? -1000 : 0,
        title: m.title,
        alt: m.title,
        keyboard: true,
        riseOnHover: true
      }).addTo(map);
      // Popup HTML is built on the server from an autoescaping template.
      marker.bindPopup(m.popup, { maxWidth: 280 });
      var el = marker.getElement();
      if (el) { el.setAttribute("aria-label", m.title); }
    });
    addPanControl(map);
  }

  function addPanControl(map) {
    var PanControl = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar sp-pan");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", "Move the map");
        [["up", "Move map up", 0, -1, "\u2191"], ["left", "Move map left", -1, 0, "\u2190"],
         ["right", "Move map right", 1, 0, "\u2192"], ["down", "Move map down", 0, 1, "\u2193"]]
          .forEach(function (d) {
            var b = L.DomUtil.create("button", "sp-pan-" + d[0], box);
            b.type = "button";
            b.setAttribute("aria-label", d[1]);
            b.title = d[1];
            b.textContent = d[4];
            L.DomEvent.on(b, "click", function (e) {
              L.DomEvent.stop(e);
              map.panBy([d[2] * 150, d[3] * 150]);
            });
          });
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    new PanControl().addTo(map);
  }

  window.SafePlaces = window.SafePlaces || {};
  window.SafePlaces.addMarkers = addMarkers;
})();
