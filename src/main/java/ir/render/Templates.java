package ir.render;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Iteration;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.DynamicPartialCode;
import com.github.mustachejava.codes.PartialCode;
import com.github.mustachejava.reflect.MapObjectHandler;
import ir.model.ExitCode;
import ir.model.IrException;
import ir.store.WorkspaceFiles;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and renders Mustache templates. A workspace comes from a repository someone else may control, so a template
 * is only ever read from the workspace (never through a link that leads outside it), partials only from its
 * {@code templates/} directory or the built-in ones, templates see only plain maps (no Java methods), nothing is
 * HTML-escaped, and the work, output and nesting of a render are bounded (a template cannot hang a command).
 */
public final class Templates {
    /** Names a template or partial may have: no path separators, no dots. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern WHERE = Pattern.compile("@\\[([^:\\]]*):(\\d+)]");
    static final String MUSTACHE = ".mustache";
    static final int MAX_TEMPLATE_BYTES = 1024 * 1024;
    static final int MAX_OUTPUT_CHARS = 8 * 1024 * 1024;
    static final int MAX_PARTIAL_DEPTH = 10;
    /** Steps of one render: values looked up, section items entered, partials included (see {@link Budget}). */
    static final long MAX_STEPS = 2_000_000;
    /** Sections and partials inside one another. */
    static final int MAX_NESTING = 50;

    private final Path workspace;
    private final Path templatesDir;

    /** A template ready to load: its display name (for errors), where it comes from, and its text. */
    public record Source(String name, String origin, String text) {
    }

    /**
     * @param workspace    the workspace root (templates outside it are refused)
     * @param templatesDir the workspace's {@code templates/} directory
     */
    public Templates(Path workspace, Path templatesDir) {
        this.workspace = workspace.toAbsolutePath().normalize();
        this.templatesDir = templatesDir.toAbsolutePath().normalize();
    }

    /**
     * The template for {@code --template}: a NAME (the workspace's {@code templates/NAME.md.mustache}, else the
     * built-in one) or a FILE path (relative to {@code cwd}) inside the workspace.
     */
    public Source find(String nameOrFile, Path cwd) {
        String t = nameOrFile.strip();
        if (NAME.matcher(t).matches()) {
            Source s = named(t);
            if (s == null) {
                throw IrException.usage("unknown template '" + t + "': use one of "
                        + String.join(", ", BuiltinTemplates.NAMES) + ", a file in templates/ (templates/" + t
                        + BuiltinTemplates.SUFFIX + ") or a path to a .mustache file in the workspace");
            }
            return s;
        }
        Path file = cwd.resolve(t).toAbsolutePath().normalize();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw IrException.usage("template file " + t + " does not exist: give a template name ("
                    + String.join(", ", BuiltinTemplates.NAMES) + ") or a path to a file in the workspace");
        }
        String text = readInside(file, t);
        // Named relative to the workspace, so the name recorded with a render finds the file again from anywhere.
        String name = inWorkspace(file);
        return new Source(name, name, text);
    }

    /** The workspace root: file templates recorded with a render are relative to it. */
    public Path workspace() {
        return workspace;
    }

    /** The workspace's {@code templates/<name>.md.mustache}, else the built-in one, else null. */
    Source named(String name) {
        Path file = templatesDir.resolve(name + BuiltinTemplates.SUFFIX);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file)) {
            String shown = "templates/" + name + BuiltinTemplates.SUFFIX;
            String text = readInside(file, shown);
            return new Source(name, shown, text);
        }
        byte[] builtin = BuiltinTemplates.read(name);
        return builtin == null ? null : new Source(name, "built-in " + name,
                new String(builtin, StandardCharsets.UTF_8));
    }

    /**
     * The text of a template file, read as every workspace file is (see {@link WorkspaceFiles}): never through a
     * symbolic link, only a regular file inside the workspace.
     */
    private String readInside(Path file, String shown) {
        String rel = inWorkspace(file);
        if (rel == null) {
            throw IrException.usage("template " + shown + " is outside the workspace (" + file + "): templates "
                    + "are read only from the workspace, so a cloned repository cannot make ir read other files");
        }
        for (String part : rel.split("/")) {
            // A file in .git would copy the clone's config (remote URLs with tokens) into a committed document.
            if (part.equalsIgnoreCase(".git")) {
                throw IrException.usage("template " + shown + " leads into the git directory (" + rel + "): "
                        + "templates are read only from the workspace's own files");
            }
        }
        if (!file.getFileName().toString().endsWith(MUSTACHE)) {
            // The template a render used is recorded in the incident file, which a clone may have written: a
            // name like '.env' would copy an ignored local file into a committed (and pushed) document.
            throw IrException.usage("template " + shown + " is not a " + MUSTACHE + " file: give a template name "
                    + "or the path of a " + MUSTACHE + " file in the workspace");
        }
        byte[] bytes = WorkspaceFiles.read(workspace, rel, MAX_TEMPLATE_BYTES, size -> IrException.usage("template "
                + shown + " is over " + (MAX_TEMPLATE_BYTES / 1024) + " KiB: that is not a template"));
        if (bytes == null) {
            throw IrException.usage("template " + shown + " does not exist: give a template name or the path of a "
                    + MUSTACHE + " file in the workspace");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * {@code file} relative to the workspace root (with {@code /}), or null when it is outside. The path is taken as
     * written below the root (the check of each of its components is {@link WorkspaceFiles}'s); the root may be spelled
     * differently (reached through a link such as {@code /tmp} on macOS).
     */
    private String inWorkspace(Path file) {
        Path f = file.toAbsolutePath().normalize();
        if (f.startsWith(workspace)) {
            return f.equals(workspace) ? null : workspace.relativize(f).toString().replace('\\', '/');
        }
        try {
            for (Path a = f.getParent(); a != null; a = a.getParent()) {
                if (Files.exists(a) && Files.isSameFile(a, workspace)) {
                    return a.relativize(f).toString().replace('\\', '/');
                }
            }
        } catch (IOException e) {
            // unreadable on the way: not known to be in the workspace
        }
        return null;
    }

    /**
     * Renders {@code source} with {@code data}; syntax errors and unknown partials name the template and line (exit 2),
     * a template over its budget of work, output or nesting stops with one line naming it (exit 1).
     */
    public String render(Source source, Map<String, Object> data) {
        return render(source, data, new Budget());
    }

    /** As {@link #render(Source, Map)}, counting against {@code budget} (tests read what a render used). */
    String render(Source source, Map<String, Object> data, Budget budget) {
        Factory factory = new Factory(source, budget);
        BoundedWriter out = new BoundedWriter();
        try {
            Mustache m = factory.compile(new StringReader(source.text()), source.name());
            m.execute(out, data);
        } catch (IrException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            String over = overBudget(source, e);
            if (over != null) {
                throw new IrException(ExitCode.FAILURE, over);
            }
            throw IrException.usage(describe(source, e));
        }
        return out.toString();
    }

    /** The one-line message when rendering stopped because the template went over a budget, else null. */
    static String overBudget(Source source, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof OverBudget ob) {
                return "template " + source.origin() + " " + ob.getMessage() + ": check it for sections or partials "
                        + "nested in themselves";
            }
            if (c instanceof StackOverflowError) {
                return "template " + source.origin() + " nests too deeply to render: check it for sections or "
                        + "partials nested in themselves";
            }
            if (c instanceof IrException) {
                return null;
            }
        }
        return null;
    }

    /** {@code template postmortem, line 12: Failed to close 'summary' tag}: one line, for a person to act on. */
    static String describe(Source source, Throwable e) {
        Throwable t = e;
        String at = "";
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MustacheException me && me.getContext() != null && at.isEmpty()) {
                at = " (line " + me.getContext().line() + (me.getContext().file() == null
                        || me.getContext().file().equals(source.name()) ? "" : " of " + me.getContext().file()) + ")";
            }
            if (c instanceof IrException ie) {
                return ie.getMessage() + at;
            }
            if (c instanceof MustacheException) {
                t = c;
            }
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String name = source.origin();
        String line = null;
        Matcher m = WHERE.matcher(msg);
        if (m.find()) {
            String file = m.group(1);
            if (!file.equals(source.name())) {
                name = name + " (in partial " + file + ")";
            }
            line = m.group(2);
            msg = msg.substring(0, m.start()).strip() + msg.substring(m.end());
        }
        msg = msg.strip().replaceAll("\\s+", " ");
        return "template " + name + (line == null ? "" : ", line " + line) + ": " + msg;
    }

    /**
     * Mustache without HTML escaping, whose partials come only from the templates directory or the jar, and whose
     * every value looked up, section entered and partial included is counted against the render's {@link Budget}.
     */
    private final class Factory extends DefaultMustacheFactory {
        private final Source root;
        private final Budget budget;
        private int depth;

        Factory(Source root, Budget budget) {
            this.root = root;
            this.budget = budget;
            setObjectHandler(new CountingHandler(budget));
            setRecursionLimit(MAX_PARTIAL_DEPTH);
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void partial(TemplateContext tc, String variable, String indent) {
                    TemplateContext at = new TemplateContext("{{", "}}", tc.file(), tc.line(), tc.startOfLine());
                    list.add(new PartialCode(at, df, variable) {
                        @Override
                        public Writer execute(Writer writer, List<Object> scopes) {
                            return budget.nested(() -> super.execute(writer, scopes));
                        }
                    });
                }

                @Override
                public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                    TemplateContext at = new TemplateContext("{{", "}}", tc.file(), tc.line(), tc.startOfLine());
                    list.add(new DynamicPartialCode(at, df, variable) {
                        @Override
                        public Writer execute(Writer writer, List<Object> scopes) {
                            return budget.nested(() -> super.execute(writer, scopes));
                        }
                    });
                }
            };
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("cannot write", e);
            }
        }

        @Override
        public String resolvePartialPath(String dir, String name, String extension) {
            return name;
        }

        private String lineOf(String name) {
            return Templates.lineOf(root, name);
        }

        @Override
        public Reader getReader(String name) {
            if (name.equals(root.name())) {
                return new StringReader(root.text());
            }
            if (!NAME.matcher(name).matches()) {
                throw new IrException(ExitCode.USAGE, "template " + root.origin() + lineOf(name) + " includes '" + name
                        + "': a "
                        + "partial must be a plain name of a file in templates/ (no path), such as {{> header}}");
            }
            if (++depth > 50) {
                throw new IrException(ExitCode.USAGE, "template " + root.origin() + " includes too many partials");
            }
            Source s = named(name);
            if (s == null) {
                throw new IrException(ExitCode.USAGE, "template " + root.origin() + lineOf(name) + " includes the "
                        + "partial '" + name
                        + "', which is neither templates/" + name + BuiltinTemplates.SUFFIX + " nor built in");
            }
            return new StringReader(s.text());
        }
    }

    /** {@code , line N} of the first {@code {{> name}}} in the root template, or nothing if it is in a partial. */
    private static String lineOf(Source root, String partial) {
        Matcher m = Pattern.compile("\\{\\{\\s*[>&<]\\s*" + Pattern.quote(partial) + "\\s*}}").matcher(root.text());
        if (!m.find()) {
            return "";
        }
        return ", line " + (root.text().substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1) + ",";
    }

    /**
     * How much one render may do. Each value looked up, each section entered (once per item of a list) and each
     * partial included is a step, plus one for every enclosing scope the lookup or section searches or copies (so the
     * budget measures work, also in deep sections); sections and partials inside one another are a level. A template
     * over either limit, or over {@link #MAX_OUTPUT_CHARS} of output, is stopped: a section nested in itself over a
     * long timeline would otherwise run for ever (with no output to stop it) while the command holds the workspace
     * lock.
     */
    static final class Budget {
        private long steps;
        private int depth;
        private int deepest;

        void step() {
            steps(1);
        }

        void steps(long n) {
            steps += n;
            if (steps > MAX_STEPS) {
                throw new OverBudget("needs more than " + String.format(Locale.ROOT, "%,d", MAX_STEPS)
                        + " steps to render (values looked up, sections entered, partials included)");
            }
        }

        void enter() {
            step();
            deepest = Math.max(deepest, ++depth);
            if (depth > MAX_NESTING) {
                throw new OverBudget("nests sections and partials more than " + MAX_NESTING + " deep");
            }
        }

        void leave() {
            depth--;
        }

        /** Runs {@code body} one level deeper (a partial), counted against the nesting limit. */
        <T> T nested(java.util.function.Supplier<T> body) {
            enter();
            try {
                return body.get();
            } finally {
                leave();
            }
        }

        long steps() {
            return steps;
        }

        int deepest() {
            return deepest;
        }
    }

    /** Plain maps only (no Java methods), with every lookup and every section item counted against the budget. */
    private static final class CountingHandler extends MapObjectHandler {
        private final Budget budget;

        CountingHandler(Budget budget) {
            this.budget = budget;
        }

        @Override
        public Binding createBinding(String name, TemplateContext tc, Code code) {
            Binding b = super.createBinding(name, tc, code);
            return scopes -> {
                // A lookup searches the scopes from the innermost out: deep sections make every lookup dearer.
                budget.steps(1 + scopes.size());
                return b.get(scopes);
            };
        }

        @Override
        public Writer iterate(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
            return super.iterate(counted(iteration), writer, object, scopes);
        }

        @Override
        public Writer falsey(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
            return super.falsey(counted(iteration), writer, object, scopes);
        }

        private Iteration counted(Iteration iteration) {
            return (writer, next, scopes) -> {
                budget.steps(scopes.size());
                budget.enter();
                try {
                    return iteration.next(writer, next, scopes);
                } finally {
                    budget.leave();
                }
            };
        }
    }

    /** A render went over its budget; the message says which (e.g. {@code produced more than 8,192 KiB}). */
    private static final class OverBudget extends RuntimeException {
        OverBudget(String what) {
            super(what, null, false, false);
        }
    }

    /** Stops a template that would expand without bound (a large value repeated for every item of a list). */
    private static final class BoundedWriter extends Writer {
        private final StringBuilder b = new StringBuilder();

        @Override
        public void write(char[] cbuf, int off, int len) {
            room(len);
            b.append(cbuf, off, len);
        }

        @Override
        public void write(String s) {
            room(s.length());
            b.append(s);
        }

        @Override
        public void write(String s, int off, int len) {
            room(len);
            b.append(s, off, off + len);
        }

        private void room(int len) {
            if (b.length() + (long) len > MAX_OUTPUT_CHARS) {
                throw new OverBudget("produced more than " + String.format(Locale.ROOT, "%,d", MAX_OUTPUT_CHARS / 1024)
                        + " KiB of output");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
