package dev.l2r.forecast.model;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * A forecast's open-lead lines, made when first read: most forecasts are asked for their totals only, and at a
 * million leads making every line (five rounded decimals each) is a good part of a forecast's time.
 */
final class LeadLines extends AbstractList<Forecast.LeadLine> {

    private final List<OpenLead> leads;
    private final double[] ages;
    private final double[] probabilities;
    private final WinModel.Cell[] cells;
    private final DealValues.Value[] values;
    private final String[] groups;
    private List<Forecast.LeadLine> made;

    /** Room for {@code leads}' lines, each filled in by {@link #set} in the same order. */
    LeadLines(List<OpenLead> leads) {
        this.leads = leads;
        int n = leads.size();
        this.ages = new double[n];
        this.probabilities = new double[n];
        this.cells = new WinModel.Cell[n];
        this.values = new DealValues.Value[n];
        this.groups = new String[n];
    }

    void set(int i, double age, double probability, WinModel.Cell cell, DealValues.Value value, String group) {
        ages[i] = age;
        probabilities[i] = probability;
        cells[i] = cell;
        values[i] = value;
        groups[i] = group;
    }

    private synchronized List<Forecast.LeadLine> made() {
        if (made == null) {
            List<Forecast.LeadLine> lines = new ArrayList<>(leads.size());
            for (int i = 0; i < leads.size(); i++) {
                OpenLead lead = leads.get(i);
                double p = probabilities[i];
                DealValues.Value value = values[i];
                lines.add(new Forecast.LeadLine(lead.leadId(), lead.stage(), lead.stageSince(),
                        Money.round(ages[i], 2), Money.round(p, 6), cells[i].level(), cells[i].thinTail(),
                        Money.of(value.mean()), value.source(), Money.of(p * value.mean()), groups[i]));
            }
            made = List.copyOf(lines);
        }
        return made;
    }

    @Override
    public Forecast.LeadLine get(int index) {
        return made().get(index);
    }

    @Override
    public int size() {
        return leads.size();
    }
}
