// The time slider: month bars of how many facts were valid, a window of months to draw,
// and a play button that walks the window forward a month at a time.

const SVG = "http://www.w3.org/2000/svg";

export function createSlider({ svg, start, end, play, output }, onWindow) {
  let buckets = [];
  let timer = null;

  function label(i) {
    return buckets[i] ? buckets[i].start.slice(0, 7) : "";
  }

  function drawBars() {
    svg.replaceChildren();
    const width = 1000;
    const height = 60;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const peak = Math.max(1, ...buckets.map((b) => b.count));
    const step = width / Math.max(1, buckets.length);
    const [lo, hi] = selection();
    buckets.forEach((bucket, i) => {
      const bar = document.createElementNS(SVG, "rect");
      const h = bucket.count ? Math.max(1.5, (height - 2) * Math.sqrt(bucket.count / peak)) : 0;
      bar.setAttribute("x", String(i * step + step * 0.1));
      bar.setAttribute("width", String(Math.max(0.5, step * 0.8)));
      bar.setAttribute("y", String(height - h));
      bar.setAttribute("height", String(h));
      bar.setAttribute("class", i >= lo && i <= hi ? "bar in" : "bar");
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${label(i)}: ${bucket.count} facts valid`;
      bar.append(title);
      svg.append(bar);
    });
  }

  function selection() {
    const a = Number(start.value);
    const b = Number(end.value);
    return a <= b ? [a, b] : [b, a];
  }

  function current() {
    const [lo, hi] = selection();
    if (!buckets.length) return { from: null, to: null };
    return { from: label(lo), to: label(hi) };
  }

  function changed() {
    drawBars();
    const { from, to } = current();
    output.textContent = from === to ? from : `${from} → ${to}`;
    onWindow(current());
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "▶";
  }

  let debounce = null;
  for (const input of [start, end]) {
    input.addEventListener("input", () => {
      stop();
      drawBars();
      const { from, to } = current();
      output.textContent = from === to ? from : `${from} → ${to}`;
      clearTimeout(debounce);
      debounce = setTimeout(changed, 250);
    });
  }

  play.addEventListener("click", () => {
    if (timer) return stop();
    play.textContent = "❚❚";
    timer = setInterval(() => {
      const [lo, hi] = selection();
      if (hi >= buckets.length - 1) return stop();
      start.value = String(lo + 1);
      end.value = String(hi + 1);
      changed();
    }, 1800);
  });

  return {
    // New bars; keeps the window on the months given (YYYY-MM), else the last twelve.
    setHistogram(histogram, from, to) {
      buckets = histogram.buckets;
      const last = buckets.length - 1;
      for (const input of [start, end]) input.max = String(last);
      const find = (month) => buckets.findIndex((b) => b.start.slice(0, 7) === month);
      const lo = from ? find(from.slice(0, 7)) : -1;
      const hi = to ? find(to.slice(0, 7)) : -1;
      end.value = String(hi >= 0 ? hi : last);
      start.value = String(lo >= 0 ? lo : Math.max(0, Number(end.value) - 11));
      drawBars();
      const win = current();
      output.textContent = win.from === win.to ? win.from : `${win.from} → ${win.to}`;
      return win;
    },
    stop,
  };
}
