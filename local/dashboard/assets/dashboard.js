// The journeys page: builds one card per dashboard row from /api/rows, then redraws the numbers and
// charts from /api/metrics every few seconds. Text goes in through textContent only.
(() => {
  const PALETTE = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#0284c7', '#65a30d', '#7c3aed', '#475569'];
  const THRESHOLD_COLORS = ['#dc2626', '#f59e0b', '#7c2d12'];
  const CAPTIONS = [
    [/-funnel$/, 'Customers who entered, and what came of the mails they got.'],
    [/-revenue$/, 'Orders credited to a mail that was opened or clicked before the order.'],
    [
      /-conversion-lift$/,
      'Treated customers get the mails; a random held-out group does not. The difference is what the mails add.',
    ],
    [/-revenue-lift$/, 'Revenue per customer who entered, with and without the mails.'],
    [
      /-step-outcomes$/,
      'What each step decided: sent, skipped (no consent, already bought…) or deferred (quiet hours, frequency cap).',
    ],
    [/-reasons$/, 'Why customers left the journey early, and why mails were skipped or held back.'],
    [/^bounce-rate$/, 'Red line: SES reviews the account above it. Amber line: our alarm fires first.'],
    [/^complaint-rate$/, 'Red line: SES reviews the account above it. Amber line: our alarm fires first.'],
    [/^engagement$/, 'What mailbox providers reported back, and who unsubscribed.'],
    [/^ingest$/, 'Events from your storefront, and any it rejected.'],
    [/^function-errors$/, 'Any error here is retried, then lands in a dead-letter queue.'],
    [/^function-throttles$/, 'Invocations Lambda refused for lack of concurrency.'],
    [/^dead-letter-queues$/, 'Messages that failed repeatedly and wait for a redrive.'],
    [/^journey-executions$/, 'Journey runs that failed or ran out of time.'],
  ];

  const charts = new Map();
  const tiles = new Map();

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const humanize = (id) => {
    const words = id.replace(/-/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  };

  function rowTitle(row) {
    const journey = /^Journey: (.+)$/.exec(row.title);
    return journey ? `${humanize(journey[1])} journey` : row.title;
  }

  function widgetTitle(title) {
    const withoutJourney = title.replace(/^[a-z0-9-]+: /, '');
    return withoutJourney.charAt(0).toUpperCase() + withoutJourney.slice(1);
  }

  function caption(id) {
    const found = CAPTIONS.find(([pattern]) => pattern.test(id));
    return found ? found[1] : '';
  }

  function format(value, unit, currency) {
    // Nothing counted is zero; a rate or an amount with nothing to compute it from is unknown.
    if ((value === null || value === undefined) && unit === 'count') return '0';
    if (value === null || value === undefined) return '—';
    if (unit === 'percent') return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
    if (unit === 'money') {
      return currency
        ? value.toLocaleString('en-US', { style: 'currency', currency })
        : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  }

  /** An expression's currency is that of the inputs it reads (revenue over entrants is still dollars). */
  function currencyOf(widget, data, index) {
    const metric = widget.metrics[index];
    const own = data.metrics[index]?.currency;
    if (own || metric.source !== 'expression') return own;
    const ids = metric.expression.match(/\bm\d+\b/g) || [];
    const found = new Set(ids.map((id) => data.metrics[Number(id.slice(1))]?.currency).filter(Boolean));
    return found.size === 1 ? [...found][0] : undefined;
  }

  const shown = (widget) =>
    widget.metrics.map((metric, index) => ({ metric, index })).filter(({ metric }) => metric.hidden !== true);

  function spans(widgets) {
    const charted = widgets.filter((widget) => widget.kind !== 'number');
    const numbers = widgets.filter((widget) => widget.kind === 'number');
    const result = new Map();
    numbers.forEach((widget) => {
      result.set(widget.id, numbers.length === 1 ? 12 : numbers.length === 2 ? 6 : 4);
    });
    charted.forEach((widget, index) => {
      let span = 6;
      if (charted.length === 1) span = 12;
      else if (charted.length === 2) span = widget.kind === 'bar' ? 5 : 7;
      else if (charted.length === 3) span = 4;
      else if (charted.length % 2 === 1 && index === charted.length - 1) span = 12;
      result.set(widget.id, span);
    });
    return result;
  }

  function buildRow(row) {
    const section = el('section', 'row');
    section.id = `row-${row.id}`;
    section.append(el('h2', '', rowTitle(row)));
    const grid = el('div', 'grid');
    const order = { number: 0, bar: 1, line: 2 };
    const widgets = [...row.widgets].sort((a, b) => order[a.kind] - order[b.kind]);
    const widths = spans(widgets);
    for (const widget of widgets) grid.append(buildWidget(widget, widths.get(widget.id)));
    section.append(grid);
    return section;
  }

  function buildWidget(widget, span) {
    const box = el('article', `widget span-${span}`);
    box.dataset.widget = widget.id;
    box.append(el('h3', '', widgetTitle(widget.title)));
    const text = caption(widget.id);
    if (text) box.append(el('p', 'caption', text));
    if (widget.kind === 'number') {
      const list = el('div', 'tiles');
      const entries = shown(widget).map(({ metric, index }) => {
        const tile = el('div', 'tile');
        const value = el('div', 'value', '—');
        tile.append(value, el('div', 'label', metric.label));
        list.append(tile);
        return { index, tile, value, metric };
      });
      box.append(list);
      tiles.set(widget.id, { widget, entries });
      return box;
    }
    let figures;
    if (widget.kind === 'bar') {
      // The numbers themselves, readable at a glance (and by screen readers and tests), above the bars.
      figures = el('ol', 'figures');
      figures.setAttribute('aria-label', widgetTitle(widget.title));
      shown(widget).forEach(({ metric, index }, position) => {
        const figure = el('li', 'figure');
        figure.dataset.metric = String(index);
        figure.dataset.label = metric.label;
        figure.style.borderLeftColor = PALETTE[position % PALETTE.length];
        figure.append(el('span', 'value', '—'), el('span', 'label', metric.label));
        figures.append(figure);
      });
      box.append(figures);
    }
    const holder = el('div', 'chart-box');
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', widgetTitle(widget.title));
    const empty = el('div', 'empty', 'No data yet');
    holder.append(canvas, empty);
    box.append(holder);
    const error = el('p', 'widget-error');
    box.append(error);
    charts.set(widget.id, { widget, canvas, empty, error, figures, chart: undefined });
    return box;
  }

  const barLabels = {
    id: 'barLabels',
    // `shares`: each bar also as a share of the first (a funnel's stages), not for a breakdown.
    afterDatasetsDraw(chart, _args, options) {
      const { ctx } = chart;
      const meta = chart.getDatasetMeta(0);
      const values = chart.data.datasets[0]?.data || [];
      const first = values[0];
      ctx.save();
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillStyle = '#1f2937';
      ctx.textBaseline = 'middle';
      meta.data.forEach((bar, index) => {
        const value = values[index];
        if (value === null || value === undefined) return;
        const share =
          options.shares && index > 0 && first > 0 ? `  ·  ${Math.round((100 * value) / first)} %` : '';
        ctx.fillText(`${format(value, 'count')}${share}`, bar.x + 6, bar.y);
      });
      ctx.restore();
    },
  };

  function timeLabel(at, periodMs) {
    const date = new Date(at);
    if (periodMs >= 86_400_000) return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
    if (periodMs >= 3_600_000) {
      return date.toLocaleString('en-US', {
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      });
    }
    return date.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', hour12: false });
  }

  /** A breakdown of many categories (e.g. reasons) shows only those that happened; a funnel shows every stage. */
  const BREAKDOWN_MIN_BARS = 9;

  function drawBar(entry, data) {
    const breakdown = shown(entry.widget).length >= BREAKDOWN_MIN_BARS;
    const items = shown(entry.widget)
      .map(({ metric, index }, position) => ({
        label: metric.label,
        value: data.metrics[index]?.value ?? null,
        // The colour of the metric's figure above the chart.
        color: PALETTE[position % PALETTE.length],
      }))
      .filter((item) => !breakdown || (item.value !== null && item.value > 0));
    const labels = items.map((item) => item.label);
    const values = items.map((item) => item.value);
    const colors = items.map((item) => item.color);
    for (const figure of entry.figures.children) {
      const value = data.metrics[Number(figure.dataset.metric)]?.value ?? null;
      figure.firstChild.textContent = format(value, entry.widget.unit);
      figure.hidden = breakdown && !(value > 0);
    }
    const hasData = values.some((value) => value !== null && value > 0);
    entry.empty.textContent = hasData ? '' : 'No data yet';
    const max = Math.max(1, ...values.filter((value) => value !== null));
    if (entry.chart) {
      entry.chart.data.labels = labels;
      entry.chart.data.datasets[0].data = values;
      entry.chart.data.datasets[0].backgroundColor = colors;
      entry.chart.options.scales.x.suggestedMax = max * 1.3;
      entry.chart.update('none');
      return;
    }
    entry.chart = new Chart(entry.canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            data: values,
            backgroundColor: colors,
            borderRadius: 4,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { enabled: true },
          barLabels: { shares: !breakdown },
        },
        scales: {
          x: {
            beginAtZero: true,
            suggestedMax: max * 1.3,
            ticks: { precision: 0 },
            grid: { color: '#f1f5f9' },
          },
          y: { grid: { display: false } },
        },
      },
      plugins: [barLabels],
    });
  }

  /** A period without a count had none: drawn as zero once the series has data, not as a gap. */
  function countsWithZeros(points, unit) {
    if (unit !== 'count' || points.every((value) => value === null)) return points;
    return points.map((value) => value ?? 0);
  }

  function drawLine(entry, data, metrics) {
    const { widget } = entry;
    const labels = metrics.times.map((at) => timeLabel(at, metrics.periodMs));
    const thresholds = widget.thresholds || [];
    const unit = widget.unit || 'count';
    const series = shown(widget)
      .map(({ metric, index }, position) => ({
        label: metric.label,
        points: countsWithZeros(data.metrics[index]?.points || [], unit),
        color: PALETTE[position % PALETTE.length],
      }))
      // Quiet series only clutter a marketer's chart; rates next to threshold lines keep their zeros.
      .filter((line) =>
        line.points.some((value) => value !== null && (value !== 0 || thresholds.length > 0)),
      );
    const datasets = [
      ...series.map((line) => ({
        label: line.label,
        data: line.points,
        borderColor: line.color,
        backgroundColor: line.color,
        borderWidth: 2,
        pointRadius: 0,
        pointHitRadius: 6,
        cubicInterpolationMode: 'monotone',
        spanGaps: true,
      })),
      ...thresholds.map((threshold, index) => ({
        label: threshold.label,
        data: labels.map(() => threshold.value),
        borderColor: THRESHOLD_COLORS[index % THRESHOLD_COLORS.length],
        backgroundColor: THRESHOLD_COLORS[index % THRESHOLD_COLORS.length],
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
      })),
    ];
    const anything = series.length > 0;
    const measured = shown(widget).some(({ index }) => data.metrics[index]?.value !== null);
    entry.empty.textContent = anything ? '' : measured ? 'None so far' : 'No data yet';
    if (entry.chart) {
      entry.chart.data.labels = labels;
      entry.chart.data.datasets = datasets;
      entry.chart.update('none');
      return;
    }
    entry.chart = new Chart(entry.canvas, {
      type: 'line',
      data: { labels, datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, font: { size: 11 } } },
          tooltip: {
            callbacks: { label: (item) => `${item.dataset.label}: ${format(item.parsed.y, unit)}` },
          },
        },
        scales: {
          x: { ticks: { maxTicksLimit: 8, maxRotation: 0, font: { size: 11 } }, grid: { display: false } },
          y: {
            beginAtZero: true,
            ticks: { precision: unit === 'count' ? 0 : undefined, callback: (value) => format(value, unit) },
            grid: { color: '#f1f5f9' },
          },
        },
      },
    });
  }

  function drawNumbers(entry, data) {
    for (const tile of entry.entries) {
      const value = data.metrics[tile.index]?.value ?? null;
      tile.value.textContent = format(value, entry.widget.unit, currencyOf(entry.widget, data, tile.index));
      tile.value.title = value === null ? 'No data yet' : '';
      const isLift = /^lift/i.test(tile.metric.label);
      tile.tile.classList.toggle('up', isLift && value !== null && value > 0);
      tile.tile.classList.toggle('down', isLift && value !== null && value < 0);
    }
  }

  function draw(metrics) {
    for (const [id, entry] of tiles) {
      const data = metrics.widgets[id];
      if (data) drawNumbers(entry, data);
    }
    for (const [id, entry] of charts) {
      const data = metrics.widgets[id];
      if (!data) continue;
      entry.error.textContent = data.error ? `Cannot compute this locally: ${data.error}` : '';
      if (entry.widget.kind === 'bar') drawBar(entry, data);
      else drawLine(entry, data, metrics);
    }
    const clock = document.getElementById('clock');
    const now = new Date(metrics.now).toLocaleString('en-US', {
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    const speed =
      metrics.speed > 1
        ? ` · the local clock runs ${metrics.speed.toLocaleString('en-US')}× faster than real time`
        : '';
    clock.textContent = '';
    clock.append(el('span', 'live-dot'), `Live · simulated time ${now}${speed}`);
    document.body.dataset.updatedAt = String(metrics.now);
  }

  async function refresh() {
    const response = await fetch('/api/metrics', { cache: 'no-store' });
    if (!response.ok) throw new Error(`metrics answered ${response.status}`);
    const metrics = await response.json();
    draw(metrics);
    return metrics.refreshMs || 3000;
  }

  async function start() {
    const rows = await (await fetch('/api/rows', { cache: 'no-store' })).json();
    const container = document.getElementById('rows');
    for (const row of rows) container.append(buildRow(row));
    const loop = async () => {
      let wait = 3000;
      try {
        wait = await refresh();
      } catch (error) {
        document.getElementById('clock').textContent =
          `Paused: the local runtime is not answering (${error.message}).`;
      }
      setTimeout(loop, wait);
    };
    loop();
  }

  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#4b5563';
  start();
})();
