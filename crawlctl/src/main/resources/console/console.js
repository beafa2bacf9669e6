// crawlocr console: extends a crawl's throughput chart and counts from its server-sent events.
(function () {
  'use strict';
  var crawl = document.getElementById('crawl');
  var chart = document.getElementById('throughput-chart');
  if (!crawl || !chart || !window.EventSource) {
    return;
  }
  var WIDTH = 600, HEIGHT = 200, KEEP = 300;
  var series = {pages: [], images: [], ocr: []};
  var fields = {pages: 'pagesPerSecond', images: 'imagesPerSecond', ocr: 'ocrPerSecond'};

  function set(name, value) {
    var els = crawl.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < els.length; i++) {
      if (name === 'progressBar') {
        els[i].style.width = value + '%';
      } else {
        els[i].textContent = String(value);
      }
    }
  }

  function draw() {
    var n = series.pages.length, max = 1;
    Object.keys(series).forEach(function (k) {
      series[k].forEach(function (v) { if (v > max) { max = v; } });
    });
    Object.keys(series).forEach(function (k) {
      var pts = series[k].map(function (v, i) {
        var x = n < 2 ? 0 : i * WIDTH / (n - 1);
        var y = HEIGHT - v * (HEIGHT - 20) / max;
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      chart.querySelector('polyline[data-series="' + k + '"]').setAttribute('points', pts.join(' '));
    });
    chart.setAttribute('data-points', String(n));
    set('scale', 'max ' + max.toFixed(1) + '/s');
  }

  var source = new EventSource(crawl.getAttribute('data-events'));
  source.onmessage = function (message) {
    var e = JSON.parse(message.data);
    ['state', 'total', 'pending', 'pages', 'images', 'ocr', 'ocrFailed', 'progress', 'budget'].forEach(function (k) {
      if (e[k] !== undefined) { set(k, e[k]); }
    });
    set('progressBar', e.progress);
    Object.keys(series).forEach(function (k) {
      var v = Number(e[fields[k]]) || 0;
      series[k].push(v);
      if (series[k].length > KEEP) { series[k].shift(); }
      set(fields[k], v.toFixed(1));
    });
    draw();
  };
})();
