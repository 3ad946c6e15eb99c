package cost

import (
	"github.com/ketacover/ketacover"
)

// EsketamineCourse returns the labelled Spravato schedule for weeks weeks
// from start: twice weekly in weeks 1–4 (induction), weekly in weeks 5–8,
// then every maintenanceEvery weeks (1 or 2) (label via reference §4.2).
// lines are the codes billed at each session.
func EsketamineCourse(start ketacover.Date, weeks, maintenanceEvery int, lines []ketacover.CodeLine) ketacover.TreatmentPlan {
	tp := ketacover.TreatmentPlan{Therapy: ketacover.TherapyEsketamine, Start: start}
	add := func(name string, perWeek, every, w int) {
		if w > 0 {
			tp.Phases = append(tp.Phases, ketacover.Phase{Name: name, PerWeek: perWeek, EveryWeeks: every, Weeks: w, Lines: lines})
		}
	}
	add("induction", 2, 0, min(weeks, 4))
	add("weekly", 1, 0, min(max(weeks-4, 0), 4))
	add("maintenance", 0, maintenanceEvery, max(weeks-8, 0))
	return tp
}

// KetamineIVCourse returns an IV ketamine course from start: a series of
// seriesSessions infusions spread over seriesWeeks weeks (commonly 6 over 2–3
// weeks; reference §4.1), then maintenanceSessions boosters every
// maintenanceEvery weeks. The rhythm of maintenance is the clinic's choice;
// no schedule is standard for this off-label use.
func KetamineIVCourse(start ketacover.Date, seriesSessions, seriesWeeks, maintenanceSessions, maintenanceEvery int, lines []ketacover.CodeLine) ketacover.TreatmentPlan {
	perWeek := 1
	if seriesWeeks > 0 {
		perWeek = (seriesSessions + seriesWeeks - 1) / seriesWeeks
	}
	tp := ketacover.TreatmentPlan{Therapy: ketacover.TherapyKetamineIV, Start: start,
		Phases: []ketacover.Phase{{Name: "series", PerWeek: perWeek, Sessions: seriesSessions, Lines: lines}}}
	if maintenanceSessions > 0 {
		tp.Phases = append(tp.Phases, ketacover.Phase{Name: "maintenance", EveryWeeks: maintenanceEvery, Sessions: maintenanceSessions, Lines: lines})
	}
	return tp
}
