/** One Prometheus metric with its samples, as a module other than http/ reports it. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly (readonly [Readonly<Record<string, string>>, number])[];
}

/** Prometheus text exposition (version 0.0.4) lines of one family. */
export function renderMetricFamily(family: MetricFamily): string[] {
  return [
    `# HELP ${family.name} ${family.help}`,
    `# TYPE ${family.name} ${family.type}`,
    ...family.samples.map(([labels, value]) => `${family.name}${formatLabels(labels)} ${value}`),
  ];
}

export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
