import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Draws offload's phase figures as SVG, like GenerOS Figures 5 and 6: per system call, a bar for the direct call on
 * the caller's thread next to a stacked bar for the offloaded call (ENTER, FLYIN, HANDLE, FLYOUT, EXIT from the
 * bottom up), with the hand-off (FLYIN + FLYOUT) drawn dashed on top of the direct bar as GenerOS does for Linux.
 * Optionally a second row of panels from JMH JSON results: one bar per benchmark method (and parameters), ns/op.
 * <p>
 * A Java single-file program, so it needs nothing but the JDK the project already requires (no Python, no plotting
 * library, no build): {@code java jmh-bench/plots/PhasePlot.java INPUTS... -o out.svg}. Inputs are told apart by
 * content: an object with {@code "syscalls"} is a phase export ({@code io.offload.examples.top.PhaseExport}); an
 * array of objects with {@code "benchmark"} is a JMH result ({@code -rf json}). Each syscall gets a panel with its
 * own scale: getpid costs tens of nanoseconds, open microseconds, and one shared axis would flatten the small ones.
 * After writing the SVG it makes a PNG beside it with the first converter found on the PATH that works
 * (rsvg-convert, ImageMagick's magick or convert, headless chromium), or says that only the SVG was written.
 * <pre>
 *   java jmh-bench/plots/PhasePlot.java jmh-bench/results/phases.json -o jmh-bench/results/phases.svg
 *   java jmh-bench/plots/PhasePlot.java jmh-bench/results/phases.json jmh-bench/results/NullSyscallBenchmark.json \
 *       jmh-bench/results/Pread4kBenchmark.json --stat mean -o all.svg
 * </pre>
 * Options: {@code --stat p50|mean} (which figure of each phase is stacked; p50 by default: medians resist the
 * outliers of a shared machine, but they do not add up to the total's median, so the total's p50 is marked on the
 * bar; means do add up), {@code --title TEXT} (instead of the machine from the inputs), {@code --no-png}.
 * <p>
 * <b>Why it has a JSON reader of its own</b> ({@link Json} at the end) instead of the project's
 * ({@code io.offload.examples.JsonReader}, in offload-examples' tests): run as {@code java PhasePlot.java}, the
 * launcher compiles only this file and the files of its own source tree (this directory, the file having no
 * package), so it can import nothing from the Maven modules without a build and a class path, and needing no
 * build is the point of the script. {@code PhaseExportTest} runs this script on a fresh export, which keeps the
 * two in step.
 */
public final class PhasePlot
{
    private static final String[] PHASES = {"ENTER", "FLYIN", "HANDLE", "FLYOUT", "EXIT"};
    private static final String[] PHASE_COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"};
    private static final String DIRECT_COLOUR = "#8c8c8c";
    private static final String JMH_COLOURS_DIRECT = "#8c8c8c";
    private static final String JMH_COLOURS_OFFLOADED = "#4e79a7";
    private static final String FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

    private static final int PANEL_WIDTH = 200;
    private static final int PANEL_HEIGHT = 300;
    private static final int LEFT = 70;
    private static final int PANEL_GAP = 56;

    private PhasePlot()
    {
    }

    /** One phase-export panel: a syscall's direct figure and its offloaded phases. */
    record PhasePanel(String label, double direct, double[] phases, double totalP50, double totalP99, long count)
    {
    }

    /** One JMH bar. */
    record JmhBar(String label, double nanos, double error, boolean direct)
    {
    }

    /** The JMH bars of one benchmark class. */
    record JmhPanel(String title, String mode, List<JmhBar> bars)
    {
    }

    public static void main(final String[] args) throws IOException, InterruptedException
    {
        final List<Path> inputs = new ArrayList<>();
        Path out = null;
        String stat = "p50";
        String title = null;
        boolean png = true;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "-o" -> out = Path.of(value(args, ++i, "-o"));
                case "--stat" -> stat = value(args, ++i, "--stat");
                case "--title" -> title = value(args, ++i, "--title");
                case "--no-png" -> png = false;
                case "-h", "--help" ->
                {
                    System.out.println("usage: java PhasePlot.java INPUT.json... -o OUT.svg [--stat p50|mean] " +
                        "[--title TEXT] [--no-png]");
                    return;
                }
                default ->
                {
                    if (args[i].startsWith("-"))
                    {
                        fail("unknown option " + args[i]);
                    }
                    inputs.add(Path.of(args[i]));
                }
            }
        }
        if (inputs.isEmpty() || out == null)
        {
            fail("give at least one input (a PhaseExport JSON or a JMH JSON) and -o OUT.svg");
        }
        if (!stat.equals("p50") && !stat.equals("mean"))
        {
            fail("--stat is p50 or mean, got " + stat);
        }

        final List<PhasePanel> phasePanels = new ArrayList<>();
        final List<JmhPanel> jmhPanels = new ArrayList<>();
        final List<String> subtitle = new ArrayList<>();
        String machine = null;
        for (final Path input : inputs)
        {
            final Object doc = new Json(Files.readString(input, StandardCharsets.UTF_8)).parse();
            if (doc instanceof Map<?, ?> map && map.containsKey("syscalls"))
            {
                machine = machine != null ? machine : machineOf(map);
                subtitle.addAll(describeExport(map, stat));
                phasePanels.addAll(phasePanels(map, stat));
            }
            else if (doc instanceof List<?> list && (list.isEmpty() || list.getFirst() instanceof Map<?, ?> first &&
                first.containsKey("benchmark")))
            {
                jmhPanels.addAll(jmhPanels(list));
                if (machine == null)
                {
                    machine = machineTxt(input);
                }
            }
            else
            {
                fail(input + " is neither a PhaseExport JSON (an object with \"syscalls\") nor a JMH JSON result " +
                    "(an array of objects with \"benchmark\")");
            }
        }
        if (!jmhPanels.isEmpty())
        {
            subtitle.add("JMH: ns/op (score, error bars = JMH's 99.9% interval; sample mode: p50, no error bar)");
        }
        final String heading = title != null ? title :
            "offload: where a system call's time goes, direct vs offloaded" + (machine != null ? " - " + machine : "");
        final String svg = draw(heading, subtitle, phasePanels, jmhPanels, stat);
        final Path parent = out.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(out, svg, StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
        if (png)
        {
            toPng(out);
        }
    }

    private static String value(final String[] args, final int i, final String name)
    {
        if (i >= args.length)
        {
            fail(name + " needs a value");
        }
        return args[i];
    }

    private static void fail(final String message)
    {
        System.err.println("PhasePlot: " + message);
        System.exit(2);
    }

    // ---------------------------------------------------------------- inputs

    private static String machineOf(final Map<?, ?> doc)
    {
        if (!(doc.get("machine") instanceof Map<?, ?> m))
        {
            return null;
        }
        return String.format(Locale.ROOT, "%s, %s CPUs, %s, Java %s", m.get("cpu"), integer(m.get("nproc")),
            m.get("kernel"), m.get("java"));
    }

    private static String machineTxt(final Path jmhJson)
    {
        final Path txt = jmhJson.toAbsolutePath().resolveSibling("machine.txt");
        if (!Files.isReadable(txt))
        {
            return null;
        }
        try
        {
            final Map<String, String> fields = new LinkedHashMap<>();
            for (final String line : Files.readAllLines(txt))
            {
                final int colon = line.indexOf(':');
                if (colon > 0)
                {
                    fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
            return String.format(Locale.ROOT, "%s, %s CPUs, Linux %s, %s", fields.getOrDefault("cpu", "?"),
                fields.getOrDefault("nproc", "?"), fields.getOrDefault("kernel", "?"),
                fields.getOrDefault("jdk", "?").replace("openjdk version ", "JDK ").replace("\"", ""));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static List<String> describeExport(final Map<?, ?> doc, final String stat)
    {
        final StringBuilder first = new StringBuilder();
        first.append(integer(doc.get("calls"))).append(" calls per syscall and side; each phase's ").append(stat)
            .append(" stacked");
        if (doc.get("clockPairNanos") instanceof Number clock)
        {
            first.append("; every figure includes one clock-read pair (about ").append(clock.longValue())
                .append(" ns)");
        }
        final StringBuilder second = new StringBuilder(String.valueOf(doc.get("layout")));
        if (doc.get("machine") instanceof Map<?, ?> m && m.get("loadavgBefore") != null)
        {
            second.append("; load avg ").append(m.get("loadavgBefore")).append(" before, ")
                .append(m.get("loadavgAfter")).append(" after");
        }
        return List.of(first.toString(), second.toString());
    }

    private static List<PhasePanel> phasePanels(final Map<?, ?> doc, final String stat)
    {
        final List<PhasePanel> panels = new ArrayList<>();
        for (final Object o : (List<?>)doc.get("syscalls"))
        {
            final Map<?, ?> s = (Map<?, ?>)o;
            final Map<?, ?> off = (Map<?, ?>)s.get("offloaded");
            final Map<?, ?> direct = (Map<?, ?>)s.get("direct");
            final double[] phases = new double[PHASES.length];
            for (int p = 0; p < PHASES.length; p++)
            {
                phases[p] = number(((Map<?, ?>)off.get(PHASES[p])).get(stat));
            }
            final Map<?, ?> total = (Map<?, ?>)off.get("TOTAL");
            panels.add(new PhasePanel(String.valueOf(s.get("label")), number(direct.get(stat)), phases,
                number(total.get(stat)), number(total.get("p99")), (long)number(total.get("count"))));
        }
        return panels;
    }

    private static List<JmhPanel> jmhPanels(final List<?> results)
    {
        final Map<String, JmhPanel> byClass = new LinkedHashMap<>();
        for (final Object o : results)
        {
            final Map<?, ?> r = (Map<?, ?>)o;
            final String benchmark = String.valueOf(r.get("benchmark"));
            final int dot = benchmark.lastIndexOf('.');
            final String cls = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
            final String method = benchmark.substring(dot + 1);
            final String mode = String.valueOf(r.get("mode"));
            final Map<?, ?> metric = (Map<?, ?>)r.get("primaryMetric");
            final String unit = String.valueOf(metric.get("scoreUnit"));
            double score = number(metric.get("score"));
            double error = number(metric.get("scoreError"));
            if (mode.equals("sample") && metric.get("scorePercentiles") instanceof Map<?, ?> pct)
            {
                score = number(pct.get("50.0"));
                error = Double.NaN;
            }
            final double scale = nanosPer(unit);
            if (Double.isNaN(scale))
            {
                System.err.println("PhasePlot: skipped " + benchmark + ": unit " + unit + " is not a time per op " +
                    "or ops per time");
                continue;
            }
            final double nanos = unit.startsWith("ops/") ? scale / score : score * scale;
            final double nanosError = unit.startsWith("ops/") || Double.isNaN(error) ? Double.NaN : error * scale;
            final StringBuilder label = new StringBuilder(method);
            if (r.get("params") instanceof Map<?, ?> params)
            {
                params.forEach((k, v) -> label.append(' ').append(v));
            }
            byClass.computeIfAbsent(cls + " " + mode, k -> new JmhPanel(shortName(cls), mode, new ArrayList<>()))
                .bars().add(new JmhBar(label.toString(), nanos, nanosError, method.startsWith("direct")));
        }
        return new ArrayList<>(byClass.values());
    }

    private static String shortName(final String benchmarkClass)
    {
        return switch (benchmarkClass)
        {
            case "NullSyscallBenchmark" -> "getpid (NullSyscall)";
            case "Pread4kBenchmark" -> "pread 4K (Pread4k)";
            default -> benchmarkClass.replace("Benchmark", "");
        };
    }

    /** Nanoseconds in the time unit of "ns/op", "us/op"...; or, for "ops/s"..., nanoseconds in that time unit. */
    private static double nanosPer(final String unit)
    {
        final String time = unit.startsWith("ops/") ? unit.substring(4) : unit.endsWith("/op") ?
            unit.substring(0, unit.length() - 3) : "";
        return switch (time)
        {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> Double.NaN;
        };
    }

    private static double number(final Object value)
    {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String integer(final Object value)
    {
        return value instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(value);
    }

    // ---------------------------------------------------------------- drawing

    private static String draw(final String title, final List<String> subtitle, final List<PhasePanel> phases,
        final List<JmhPanel> jmh, final String stat)
    {
        final int phaseWidth = phases.size() * (PANEL_WIDTH + PANEL_GAP);
        int jmhWidth = 0;
        for (final JmhPanel p : jmh)
        {
            jmhWidth += jmhPanelWidth(p) + PANEL_GAP;
        }
        final int width = Math.max(900, LEFT + Math.max(phaseWidth, jmhWidth) + 20);
        final int top = 70 + 16 * subtitle.size();
        final int legendHeight = phases.isEmpty() ? 0 : 50;
        final int rowHeight = PANEL_HEIGHT + 100;
        final int height = top + legendHeight + (phases.isEmpty() ? 0 : rowHeight) + (jmh.isEmpty() ? 0 : rowHeight) +
            20;
        final Svg svg = new Svg(width, height);
        svg.text(width / 2.0, 28, title, 17, "middle", "bold", "#222");
        for (int i = 0; i < subtitle.size(); i++)
        {
            svg.text(width / 2.0, 50 + 16 * i, subtitle.get(i), 11.5, "middle", "normal", "#555");
        }
        int y = top;
        if (!phases.isEmpty())
        {
            drawLegend(svg, y, width, stat);
            y += legendHeight;
            double x = LEFT;
            for (final PhasePanel p : phases)
            {
                drawPhasePanel(svg, x, y + 20, p, stat);
                x += PANEL_WIDTH + PANEL_GAP;
            }
            y += rowHeight;
        }
        if (!jmh.isEmpty())
        {
            double x = LEFT;
            for (final JmhPanel p : jmh)
            {
                drawJmhPanel(svg, x, y + 20, p);
                x += jmhPanelWidth(p) + PANEL_GAP;
            }
        }
        return svg.toString();
    }

    private static void drawLegend(final Svg svg, final double y, final double width, final String stat)
    {
        final List<String[]> items = new ArrayList<>();
        items.add(new String[]{DIRECT_COLOUR, "direct (caller's thread)"});
        for (int p = 0; p < PHASES.length; p++)
        {
            items.add(new String[]{PHASE_COLOURS[p], PHASES[p]});
        }
        double total = 0;
        for (final String[] item : items)
        {
            total += 30 + textWidth(item[1], 12);
        }
        total += 175 + 150;
        double x = Math.max(10, (width - total) / 2);
        for (final String[] item : items)
        {
            svg.rect(x, y, 14, 14, item[0], null, null);
            svg.text(x + 19, y + 12, item[1], 12, "start", "normal", "#222");
            x += 30 + textWidth(item[1], 12);
        }
        svg.rect(x, y, 14, 14, "none", "#555", "4,2");
        svg.text(x + 19, y + 12, "direct + FLYIN + FLYOUT", 12, "start", "normal", "#222");
        x += 175;
        svg.line(x, y + 7, x + 14, y + 7, "#000", 2.5, null);
        svg.text(x + 19, y + 12, "TOTAL " + (stat.equals("p50") ? "p50" : "mean") + " (measured)", 12, "start",
            "normal", "#222");
    }

    /** A rough width of text in DejaVu Sans: capitals wider than the rest. */
    private static double textWidth(final String text, final double size)
    {
        double em = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            em += Character.isUpperCase(c) ? 0.72 : c == ' ' ? 0.32 : 0.56;
        }
        return em * size;
    }

    /** A duration for reading: ns below 1 us, then us, then ms. */
    private static String human(final double nanos)
    {
        if (Double.isNaN(nanos))
        {
            return "-";
        }
        if (nanos < 1_000)
        {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        return nanos < 1_000_000 ? String.format(Locale.ROOT, "%.1f \u00b5s", nanos / 1e3) :
            String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static void drawPhasePanel(final Svg svg, final double x, final double y, final PhasePanel p,
        final String stat)
    {
        double stack = 0;
        for (final double v : p.phases())
        {
            stack += Double.isNaN(v) ? 0 : v;
        }
        final double handoff = nz(p.phases()[1]) + nz(p.phases()[3]);
        final double max = Math.max(Math.max(stack, nz(p.totalP50())), nz(p.direct()) + handoff);
        final Axis axis = Axis.of(max);
        final double plotHeight = PANEL_HEIGHT;
        final double scale = plotHeight / axis.top();
        drawAxis(svg, x, y, plotHeight, PANEL_WIDTH, axis);
        svg.text(x + PANEL_WIDTH / 2.0, y - 8, p.label(), 14, "middle", "bold", "#222");

        final double barWidth = 56;
        final double directX = x + PANEL_WIDTH * 0.27 - barWidth / 2;
        final double offX = x + PANEL_WIDTH * 0.73 - barWidth / 2;
        final double base = y + plotHeight;
        if (!Double.isNaN(p.direct()))
        {
            final double h = p.direct() * scale;
            svg.rect(directX, base - h, barWidth, h, DIRECT_COLOUR, null, null);
            svg.rect(directX, base - h - handoff * scale, barWidth, handoff * scale, "none", "#555", "4,2");
            svg.text(directX + barWidth / 2, base - h - 5, axis.label(p.direct()), 11, "middle", "normal", "#222");
        }
        double top = base;
        for (int i = 0; i < PHASES.length; i++)
        {
            final double h = nz(p.phases()[i]) * scale;
            svg.rect(offX, top - h, barWidth, h, PHASE_COLOURS[i], "#fff", null);
            if (h >= 13)
            {
                svg.text(offX + barWidth / 2, top - h / 2 + 4, axis.label(p.phases()[i]), 10, "middle", "normal",
                    "#fff");
            }
            top -= h;
        }
        final double totalY = base - nz(p.totalP50()) * scale;
        svg.line(offX - 6, totalY, offX + barWidth + 6, totalY, "#000", 2.5, null);
        svg.text(offX + barWidth / 2, Math.min(top, totalY) - 5, axis.label(Math.max(stack, nz(p.totalP50()))), 11,
            "middle", "normal", "#222");
        svg.text(directX + barWidth / 2, base + 15, "direct", 11.5, "middle", "normal", "#222");
        svg.text(offX + barWidth / 2, base + 15, "offloaded", 11.5, "middle", "normal", "#222");
        final double ratio = nz(p.totalP50()) / p.direct();
        final String which = stat.equals("p50") ? "p50" : "mean";
        svg.text(x + PANEL_WIDTH / 2.0, base + 32, String.format(Locale.ROOT, "TOTAL %s %s = %.1fx direct", which,
            human(p.totalP50()), ratio), 10.5, "middle", "normal", "#444");
        svg.text(x + PANEL_WIDTH / 2.0, base + 46, "TOTAL p99 " + human(p.totalP99()), 10.5, "middle", "normal",
            "#444");
        svg.text(x + PANEL_WIDTH / 2.0, base + 60, String.format(Locale.ROOT, "FLYIN + FLYOUT: %.0f%% of the stack",
            stack > 0 ? 100 * handoff / stack : 0), 10.5, "middle", "normal", "#444");
    }

    private static int jmhPanelWidth(final JmhPanel p)
    {
        return Math.max(PANEL_WIDTH, 40 + p.bars().size() * 70);
    }

    private static void drawJmhPanel(final Svg svg, final double x, final double y, final JmhPanel p)
    {
        double max = 0;
        for (final JmhBar b : p.bars())
        {
            max = Math.max(max, b.nanos() + (Double.isNaN(b.error()) ? 0 : b.error()));
        }
        final Axis axis = Axis.of(max);
        final int width = jmhPanelWidth(p);
        final double scale = PANEL_HEIGHT / axis.top();
        drawAxis(svg, x, y, PANEL_HEIGHT, width, axis);
        svg.text(x + width / 2.0, y - 8, "JMH " + p.title() + " (" + p.mode() + ")", 13, "middle", "bold", "#222");
        final double slot = (double)width / p.bars().size();
        final double base = y + PANEL_HEIGHT;
        for (int i = 0; i < p.bars().size(); i++)
        {
            final JmhBar b = p.bars().get(i);
            final double cx = x + slot * (i + 0.5);
            final double h = b.nanos() * scale;
            svg.rect(cx - 22, base - h, 44, h, b.direct() ? JMH_COLOURS_DIRECT : JMH_COLOURS_OFFLOADED, null, null);
            double labelY = base - h - 5;
            if (!Double.isNaN(b.error()) && b.error() > 0)
            {
                final double hi = base - (b.nanos() + b.error()) * scale;
                final double lo = base - Math.max(0, b.nanos() - b.error()) * scale;
                svg.line(cx, hi, cx, lo, "#000", 1, null);
                svg.line(cx - 6, hi, cx + 6, hi, "#000", 1, null);
                svg.line(cx - 6, lo, cx + 6, lo, "#000", 1, null);
                labelY = hi - 5;
            }
            svg.text(cx, labelY, axis.label(b.nanos()), 11, "middle", "normal", "#222");
            if (b.label().length() * 10.5 * 0.55 > slot - 4) // would run into its neighbours: slant it
            {
                svg.text(cx + 4, base + 12, b.label(), 10.5, "end", "normal", "#222", -30);
            }
            else
            {
                svg.text(cx, base + 15, b.label(), 10.5, "middle", "normal", "#222");
            }
        }
    }

    private static void drawAxis(final Svg svg, final double x, final double y, final double height,
        final double width, final Axis axis)
    {
        for (double v = 0; v <= axis.top() + axis.step() / 2; v += axis.step())
        {
            final double ty = y + height - v / axis.top() * height;
            svg.line(x, ty, x + width, ty, "#e6e6e6", 1, null);
            svg.text(x - 5, ty + 4, axis.label(v), 10.5, "end", "normal", "#444");
        }
        svg.line(x, y, x, y + height, "#444", 1, null);
        svg.line(x, y + height, x + width, y + height, "#444", 1, null);
        svg.text(x - 44, y + height / 2, axis.unit(), 11, "middle", "normal", "#444", -90);
    }

    private static double nz(final double v)
    {
        return Double.isNaN(v) ? 0 : v;
    }

    /** A linear axis from 0 with 1-2-5 steps; labels in ns, or in us from 10 us up. */
    record Axis(double top, double step, double divisor, String unit)
    {
        static Axis of(final double max)
        {
            final double target = Math.max(max, 1) / 5;
            final double magnitude = Math.pow(10, Math.floor(Math.log10(target)));
            double step = magnitude;
            for (final double m : new double[]{1, 2, 2.5, 5, 10})
            {
                if (m * magnitude >= target)
                {
                    step = m * magnitude;
                    break;
                }
            }
            final double top = Math.ceil(Math.max(max, 1) * 1.08 / step) * step;
            return top >= 20_000 ? new Axis(top, step, 1e3, "\u00b5s") : new Axis(top, step, 1, "ns");
        }

        String label(final double nanos)
        {
            final double v = nanos / divisor;
            if (Double.isNaN(v))
            {
                return "-";
            }
            return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) :
                String.format(Locale.ROOT, "%.1f", v);
        }
    }

    /** Just enough SVG: rectangles, lines and text. */
    static final class Svg
    {
        private final StringBuilder out = new StringBuilder(16_384);

        Svg(final int width, final int height)
        {
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"").append(FONT).append("\">\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        }

        void rect(final double x, final double y, final double w, final double h, final String fill,
            final String stroke, final String dash)
        {
            if (h <= 0 || w <= 0)
            {
                return;
            }
            out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" " +
                "fill=\"%s\"", x, y, w, h, fill));
            if (stroke != null)
            {
                out.append(" stroke=\"").append(stroke).append("\" stroke-width=\"1\"");
            }
            if (dash != null)
            {
                out.append(" stroke-dasharray=\"").append(dash).append('"');
            }
            out.append("/>\n");
        }

        void line(final double x1, final double y1, final double x2, final double y2, final String stroke,
            final double width, final String dash)
        {
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" " +
                "stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n", x1, y1, x2, y2, stroke, width,
                dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        }

        void text(final double x, final double y, final String text, final double size, final String anchor,
            final String weight, final String fill)
        {
            text(x, y, text, size, anchor, weight, fill, 0);
        }

        void text(final double x, final double y, final String text, final double size, final String anchor,
            final String weight, final String fill, final double rotate)
        {
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" " +
                "text-anchor=\"%s\" font-weight=\"%s\" fill=\"%s\"", x, y, size, anchor, weight, fill));
            if (rotate != 0)
            {
                out.append(String.format(Locale.ROOT, " transform=\"rotate(%.0f %.1f %.1f)\"", rotate, x, y));
            }
            out.append('>').append(escape(text)).append("</text>\n");
        }

        private static String escape(final String s)
        {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }

        @Override
        public String toString()
        {
            return out + "</svg>\n";
        }
    }

    // ---------------------------------------------------------------- PNG

    private static void toPng(final Path svg) throws IOException, InterruptedException
    {
        final String name = svg.getFileName().toString();
        final Path png = svg.resolveSibling(name.endsWith(".svg") ? name.substring(0, name.length() - 4) + ".png" :
            name + ".png");
        final String in = svg.toAbsolutePath().toString();
        final String outPng = png.toAbsolutePath().toString();
        final List<List<String>> converters = new ArrayList<>();
        converters.add(List.of("rsvg-convert", "-b", "white", "-o", outPng, in));
        converters.add(List.of("magick", "-density", "110", in, outPng));
        converters.add(List.of("convert", "-density", "110", in, outPng));
        for (final String chromium : List.of("chromium", "chromium-browser", "google-chrome"))
        {
            converters.add(List.of(chromium, "--headless", "--disable-gpu", "--no-sandbox",
                "--screenshot=" + outPng, "--window-size=" + svgSize(svg), "file://" + in));
        }
        final List<String> tried = new ArrayList<>();
        for (final List<String> command : converters)
        {
            if (!onPath(command.getFirst()))
            {
                continue;
            }
            tried.add(command.getFirst());
            Files.deleteIfExists(png);
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                continue;
            }
            if (process.exitValue() == 0 && Files.isRegularFile(png) && isPng(png))
            {
                System.out.println("wrote " + png + " (with " + command.getFirst() + ")");
                return;
            }
        }
        Files.deleteIfExists(png);
        System.out.println(tried.isEmpty() ?
            "no SVG converter on the PATH (rsvg-convert, magick, convert, chromium): only the SVG was written" :
            "the converters found (" + String.join(", ", tried) + ") made no PNG: only the SVG was written");
    }

    private static boolean isPng(final Path file) throws IOException
    {
        final byte[] head = new byte[8];
        try (var in = Files.newInputStream(file))
        {
            return in.read(head) == 8 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
        }
    }

    private static String svgSize(final Path svg) throws IOException
    {
        final String text = Files.readString(svg);
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("width=\"(\\d+)\" height=\"(\\d+)\"")
            .matcher(text);
        return m.find() ? m.group(1) + "," + m.group(2) : "1200,900";
    }

    private static boolean onPath(final String command)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return false;
        }
        for (final String dir : path.split(java.io.File.pathSeparator))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command)))
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- JSON

    /** A small JSON reader: objects to LinkedHashMap, arrays to ArrayList, numbers to Double (NaN, Infinity too). */
    static final class Json
    {
        private final String s;
        private int i;

        Json(final String s)
        {
            this.s = s;
        }

        Object parse()
        {
            final Object v = value();
            skip();
            if (i != s.length())
            {
                throw error("trailing text");
            }
            return v;
        }

        private Object value()
        {
            skip();
            if (i >= s.length())
            {
                throw error("unexpected end");
            }
            final char c = s.charAt(i);
            return switch (c)
            {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                case 'N' -> literal("NaN", Double.NaN);
                case 'I' -> literal("Infinity", Double.POSITIVE_INFINITY);
                default -> number();
            };
        }

        private Map<String, Object> object()
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skip();
            if (peek() == '}')
            {
                i++;
                return map;
            }
            while (true)
            {
                skip();
                final String key = string();
                skip();
                expect(':');
                map.put(key, value());
                skip();
                if (peek() == ',')
                {
                    i++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array()
        {
            final List<Object> list = new ArrayList<>();
            i++;
            skip();
            if (peek() == ']')
            {
                i++;
                return list;
            }
            while (true)
            {
                list.add(value());
                skip();
                if (peek() == ',')
                {
                    i++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string()
        {
            expect('"');
            final StringBuilder out = new StringBuilder();
            while (true)
            {
                if (i >= s.length())
                {
                    throw error("unterminated string");
                }
                final char c = s.charAt(i++);
                if (c == '"')
                {
                    return out.toString();
                }
                if (c != '\\')
                {
                    out.append(c);
                    continue;
                }
                final char e = s.charAt(i++);
                switch (e)
                {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' ->
                    {
                        out.append((char)Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private Object number()
        {
            final int start = i;
            if (peek() == '-')
            {
                i++;
                if (peek() == 'I')
                {
                    literal("Infinity", null);
                    return Double.NEGATIVE_INFINITY;
                }
            }
            while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0)
            {
                i++;
            }
            if (start == i)
            {
                throw error("unexpected character '" + s.charAt(i) + "'");
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private Object literal(final String word, final Object value)
        {
            if (!s.startsWith(word, i))
            {
                throw error("expected " + word);
            }
            i += word.length();
            return value;
        }

        private char peek()
        {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(final char c)
        {
            if (peek() != c)
            {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void skip()
        {
            while (i < s.length() && Character.isWhitespace(s.charAt(i)))
            {
                i++;
            }
        }

        private IllegalArgumentException error(final String what)
        {
            return new IllegalArgumentException("JSON: " + what + " at offset " + i);
        }
    }
}
