package ir.site;

import ir.model.Incident;
import ir.model.IrConfig;

import java.util.List;

/**
 * The seam for the site's report page, {@code report/index.html}: given the incidents the site shows (no drills, no
 * canceled incidents) and the workspace's configuration, a complete HTML document. {@code ir report}'s HTML output
 * plugs in here; {@link Site#MINIMAL_REPORT} (counts per severity) is the default.
 */
@FunctionalInterface
public interface ReportPage {
    /** The whole page, deterministic for the same input; no scripts and no network. */
    String html(List<Incident> incidents, IrConfig config);
}
