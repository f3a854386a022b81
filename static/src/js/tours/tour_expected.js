/** @odoo-module **/
// What the test starting a tour expects it to read (test_tours.py's
// start_tour_expecting puts the figures in the session storage), for the
// tours of every file.

/** The figures the test gives, by key. */
export function expectedFigures() {
    return JSON.parse(sessionStorage.getItem("partner_segmentation.tour_expected") || "{}");
}

/**
 * A selector part matching an element whose whole text is the text the
 * test expects under ``key``: a wrong figure keeps the step waiting until
 * the tour fails.
 */
export function shows(key) {
    const expected = expectedFigures();
    if (!(key in expected)) {
        throw new Error(`The test starting this tour gives no expected '${key}'`);
    }
    const text = String(expected[key]).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return `:contains(/^\\s*${text}\\s*$/)`;
}
