/* Safe Places map helpers: numbered, keyboard-reachable markers, popups that are the next
   Tab stop after their marker, and zoom and pan buttons under the map.
   Loaded before the map's own script; only enhances a page that works without it. */
(function () {
  "use strict";

  // Room kept between a popup and the map's edges (and the attribution at the bottom).
  var EDGE = 12;
  // Room kept between a marker or popup and the sticky site header, or the window's bottom.
  var MARGIN = 8;

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

  // Popups sized and kept inside the map (nothing is drawn over the map to cover their
  // words). Worked out again when the map changes size (a phone turned round).
  function popupOptions(map) {
    var size = map.getSize();
    // Below the popup's tip is its marker (44px), which must stay on the map too.
    var below = EDGE + 44;
    return {
      maxWidth: Math.max(160, Math.min(280, size.x - 2 * EDGE - 48)),
      // Taller than the map can show: the popup scrolls rather than hiding its link.
      maxHeight: Math.max(120, size.y - EDGE - below - 20),
      autoPanPaddingTopLeft: [EDGE, EDGE],
      autoPanPaddingBottomRight: [EDGE, below]
    };
  }

  function addMarkers(map, markers) {
    // Every pan is a jump, not a glide: steadier for people who find motion hard.
    var panBy = map.panBy;
    map.panBy = function (offset, options) {
      return panBy.call(this, offset, L.extend({ animate: false }, options));
    };
    var popups = followFocus(map);
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
      places.push(addPlace(map, m, popups));
    });
    map.on("resize", function () {
      var options = popupOptions(map);
      places.forEach(function (p) { L.setOptions(p.marker.getPopup(), options); });
    });
    var leaders = L.layerGroup().addTo(map);
    var spreadOut = function () {
      spread(map, places, leaders);
      popups.refresh();
    };
    map.on("zoomend viewreset", spreadOut);
    map.whenReady(spreadOut);
    // The map is fitted to the markers after this script: spread again once that is done.
    window.setTimeout(spreadOut, 0);
    addControls(map);
  }

  function addPlace(map, m, popups) {
    var marker = L.marker(m.latlng, {
      icon: markerIcon(m),
      title: m.title,
      alt: m.title,
      keyboard: true,
      riseOnHover: true
    }).addTo(map);
    // Popup HTML is built on the server from an autoescaping template.
    marker.bindPopup(m.popup, popupOptions(map));
    var el = marker.getElement();
    el.setAttribute("aria-label", m.title);
    el.setAttribute("aria-expanded", "false");
    el.addEventListener("focus", function () { afterLayout(function () { keepInView([el]); }); });
    marker.on("popupopen", function (event) {
      el.setAttribute("aria-expanded", "true");
      popups.opened(event.popup, el);
      keepInView([event.popup.getElement(), el]);
    });
    marker.on("popupclose", function () { el.setAttribute("aria-expanded", "false"); });
    return { marker: marker, home: L.latLng(m.latlng) };
  }

  function afterLayout(fn) {
    // After the browser's own scrolling to the focused element.
    window.requestAnimationFrame(function () { window.requestAnimationFrame(fn); });
  }

  // How far down the window the sticky site header reaches (0 when there is none, as in
  // the embed): its real height, which changes with the text size and the screen's width.
  function headerBottom() {
    var header = document.querySelector(".sp-header");
    if (!header) { return 0; }
    var position = window.getComputedStyle(header).position;
    if (position !== "sticky" && position !== "fixed") { return 0; }
    return Math.max(0, header.getBoundingClientRect().bottom);
  }

  // Scroll the page so the elements are in the window and not under the sticky header.
  function keepInView(elements) {
    var rects = elements.filter(Boolean).map(function (e) { return e.getBoundingClientRect(); });
    if (!rects.length) { return; }
    var top = Math.min.apply(null, rects.map(function (r) { return r.top; }));
    var bottom = Math.max.apply(null, rects.map(function (r) { return r.bottom; }));
    var clear = headerBottom() + MARGIN;
    var low = window.innerHeight - MARGIN;
    var by = 0;
    if (top < clear) {
      by = top - clear;
    } else if (bottom > low) {
      by = Math.min(bottom - low, top - clear);  // never push the top under the header
    }
    if (by) { window.scrollBy({ top: by, left: 0, behavior: "instant" }); }
  }

  // The Tab stops of the open popup: its links, then its close button.
  function popupStops(popup) {
    var el = popup && popup.isOpen() ? popup.getElement() : null;
    if (!el) { return []; }
    return Array.prototype.slice.call(el.querySelectorAll(
      ".leaflet-popup-content a[href], .leaflet-popup-content button, .leaflet-popup-close-button"
    ));
  }

  // The map's markers in Tab order; with `all`, the hidden ones too.
  function markerIcons(map, all) {
    var selector = ".leaflet-marker-icon" + (all ? "" : "[tabindex='0']:not(.sp-marker-covered)");
    return Array.prototype.slice.call(map.getPane("markerPane").querySelectorAll(selector));
  }

  // The keyboard-reachable marker after `icon`, in Tab order (null after the last).
  function markerAfter(map, icon) {
    var icons = markerIcons(map, false);
    return icons[icons.indexOf(icon) + 1] || null;
  }

  // Where Tab (or Shift+Tab) goes from `from` while `popup`, opened from `icon`, is open:
  // marker, its popup's link, its close button, the next marker; null leaves it to the
  // browser. In the page's order the popup comes after every marker, so its stops are
  // taken out of that order (tabindex -1) and reached only from here: the last marker's
  // Tab leaves the map instead of going round again.
  function nextStop(map, popup, icon, from, back) {
    var stops = popupStops(popup);
    if (!stops.length) { return null; }
    var at = stops.indexOf(from);
    var after = markerAfter(map, icon);
    if (from === icon && !back) { return stops[0]; }
    if (at === 0 && back) { return icon; }
    if (at > 0 && back) { return stops[at - 1]; }
    if (at >= 0 && at < stops.length - 1) { return stops[at + 1]; }
    if (at === stops.length - 1) { return after; }
    if (from === after && after && back) { return stops[stops.length - 1]; }
    return null;
  }

  // Keyboard and focus while a popup is open: Tab goes from a marker into its popup,
  // Escape closes it, and closing it (Escape or the close button) puts the focus back on
  // the marker, so nobody is left at the top of the page.
  function followFocus(map) {
    var container = map.getContainer();
    var open = null;
    var returnTo = null;
    map.on("popupclose", function (event) {
      if (open && open.popup === event.popup) { open = null; }
      cover(map, null, null);
      var lost = !document.activeElement || document.activeElement === document.body;
      if (returnTo && lost) { returnTo.focus(); }
      returnTo = null;
    });
    var refresh = function () { cover(map, open && open.popup, open && open.icon); };
    map.on("moveend", refresh);
    container.addEventListener("focusin", refresh);
    container.addEventListener("focusout", function () { window.setTimeout(refresh, 0); });
    // Before Leaflet's own handler removes the popup (and the focus with it).
    container.addEventListener("click", function (event) {
      if (open && event.target.closest(".leaflet-popup-close-button")) { returnTo = open.icon; }
    }, true);
    container.addEventListener("keydown", function (event) {
      if (!open) { return; }
      if (event.key === "Escape") {
        if (open.icon === event.target || open.popup.getElement().contains(event.target)) {
          event.preventDefault();
          returnTo = open.icon;
          map.closePopup(open.popup);
        }
        return;
      }
      if (event.key !== "Tab") { return; }
      var to = nextStop(map, open.popup, open.icon, event.target, event.shiftKey);
      if (to) {
        event.preventDefault();
        to.focus();
      }
    });
    return {
      opened: function (popup, icon) {
        open = { popup: popup, icon: icon };
        popupStops(popup).forEach(function (e) { e.setAttribute("tabindex", "-1"); });
        refresh();
      },
      refresh: refresh
    };
  }

  // Markers under an open popup are hidden until it closes: the popup is what the person
  // is reading, and a marker half under its link would be a target too small to press.
  // Markers whose middle is off the map are see-through (a sliver cut by the map's edge
  // is no target either), except the focused one: a marker still takes the focus, and
  // Leaflet then moves it into view.
  function cover(map, popup, icon) {
    var el = popup && popup.isOpen() ? popup.getElement() : null;
    var over = el ? el.getBoundingClientRect() : null;
    var frame = map.getContainer().getBoundingClientRect();
    markerIcons(map, true).forEach(function (other) {
      var r = other.getBoundingClientRect();
      var x = (r.left + r.right) / 2;
      var y = (r.top + r.bottom) / 2;
      var mine = other === icon || other === document.activeElement;
      var off = x < frame.left || x > frame.right || y < frame.top || y > frame.bottom;
      other.classList.toggle("sp-marker-off", off && !mine);
      other.classList.toggle("sp-marker-covered", !!over && !mine && meets(r, over));
    });
  }

  function meets(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // The attribution, then Leaflet's zoom buttons and buttons to move the map, under the
  // map: over it they would cover markers and popups on a small screen. Each button has a
  // word beside its symbol.
  function addControls(map) {
    var frame = map.getContainer().closest(".sp-map") || map.getContainer();
    var after = frame;
    if (map.attributionControl) {
      var credit = map.attributionControl.getContainer();
      credit.classList.add("sp-map-credit");
      frame.parentNode.insertBefore(credit, after.nextSibling);
      after = credit;
    }
    var row = document.createElement("div");
    row.className = "sp-map-controls";
    if (map.zoomControl) {
      map.zoomControl.remove();
      var zoom = L.control.zoom({
        zoomInText: '<span aria-hidden="true">+ </span>Zoom in',
        zoomInTitle: "Zoom in",
        zoomOutText: '<span aria-hidden="true">\u2212 </span>Zoom out',
        zoomOutTitle: "Zoom out"
      }).addTo(map);
      var box = zoom.getContainer();
      box.classList.add("sp-zoom");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Zoom the map");
      row.appendChild(box);
    }
    row.appendChild(panControl(map));
    frame.parentNode.insertBefore(row, after.nextSibling);
  }

  function panControl(map) {
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
    return box;
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

  // The map's region gets a name of its own ("Map of the Safe Places near DE4 3AG").
  function nameMap(map, name) {
    var container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", name);
  }

  window.SafePlaces = window.SafePlaces || {};
  window.SafePlaces.addMarkers = addMarkers;
  window.SafePlaces.nameMap = nameMap;
})();
