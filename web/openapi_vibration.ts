/**
 * The vibration part of the OpenAPI document (`routes/api/v1/vibration.ts`),
 * to be spread into `OPENAPI_DOCUMENT` by `openapi.ts`.
 *
 * @module
 */

import {
  errorResponse,
  factoryParam,
  json,
  jsonBody,
  machineParam,
  ref,
  VALIDATION_ERROR,
} from "./openapi_common.ts";

const configView = json(
  ref("VibrationConfigView"),
  "The machine's vibration configuration (defaults when never set)",
);

/** Paths of the spectrum and the vibration configuration. */
export const VIBRATION_PATHS = {
  "/factories/{factory}/machines/{machine}/spectrum": {
    get: {
      summary: "The latest vibration spectrum of one axis of the machine",
      description:
        "Computed from the last waveform published to factories/{f}/machines/{m}/waveform " +
        "(Hann window, amplitude-corrected). Kept in memory only: 404 until the machine has " +
        "published a waveform since the engine started. Needs `view`.",
      parameters: [
        factoryParam,
        machineParam,
        {
          name: "axis",
          in: "query",
          required: false,
          description: "Axis id ([A-Za-z0-9_-]{1,16}); default: the most recent of any axis",
          schema: { type: "string" },
        },
      ],
      responses: {
        200: json(ref("Spectrum"), "The spectrum, its peaks and features"),
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/machines/{machine}/vibration": {
    get: {
      summary: "The machine's vibration configuration",
      description: "Needs `view`.",
      parameters: [factoryParam, machineParam],
      responses: { 200: configView, 400: errorResponse(VALIDATION_ERROR) },
    },
    put: {
      summary: "Replace the machine's vibration configuration",
      description: "Applies to the next waveform. Needs `manage_machines`.",
      parameters: [factoryParam, machineParam],
      requestBody: jsonBody(ref("VibrationConfig"), { required: true }),
      responses: { 200: configView, 400: errorResponse(VALIDATION_ERROR) },
    },
  },
} as const;

/** Schemas of the vibration routes. */
export const VIBRATION_SCHEMAS = {
  VibrationConfig: {
    type: "object",
    properties: {
      isoGroup: {
        enum: [1, 2, 3, 4],
        description: "ISO 10816-3 group: 1 large machines 300 kW–50 MW, 2 medium 15–300 kW, " +
          "3 pumps with separate driver, 4 pumps with integrated driver",
      },
      foundation: { enum: ["rigid", "flexible"] },
      shaft: {
        oneOf: [
          {
            type: "object",
            properties: { hz: { type: "number", exclusiveMinimum: 0, maximum: 1000 } },
            required: ["hz"],
          },
          {
            type: "object",
            description: "Read from the latest value of one of the machine's metrics",
            properties: {
              metric: ref("Id"),
              unit: { enum: ["hz", "rpm"], default: "hz" },
            },
            required: ["metric"],
          },
        ],
      },
      bearing: {
        type: "object",
        properties: {
          balls: { type: "integer", minimum: 3, maximum: 100 },
          ballDiameterMm: { type: "number", exclusiveMinimum: 0 },
          pitchDiameterMm: {
            type: "number",
            exclusiveMinimum: 0,
            description: "Above ballDiameterMm",
          },
          contactAngleDeg: { type: "number", minimum: 0, exclusiveMaximum: 90, default: 0 },
        },
        required: ["balls", "ballDiameterMm", "pitchDiameterMm"],
      },
      bands: {
        type: "array",
        minItems: 1,
        maxItems: 16,
        description: "Bands of vib.<axis>.band_1…; default 10–100, 100–500, 500–1000, 1000–2500 Hz",
        items: {
          type: "object",
          properties: {
            fromHz: { type: "number", minimum: 0 },
            toHz: { type: "number", exclusiveMinimum: 0 },
          },
          required: ["fromHz", "toHz"],
        },
      },
      tolerancePct: {
        type: "number",
        exclusiveMinimum: 0,
        maximum: 20,
        default: 2,
        description: "Search half-width around 1×, 2×, BPFO… (at least 1.5 bins)",
      },
    },
    required: ["isoGroup", "foundation"],
  },
  VibrationConfigView: {
    type: "object",
    properties: {
      factory: { type: "string" },
      machine: { type: "string" },
      configured: { type: "boolean" },
      updatedAt: { type: ["integer", "null"] },
      config: ref("VibrationConfig"),
      bearingFrequencies: {
        description: "Hz; only with a bearing and a fixed shaft speed",
        oneOf: [
          {
            type: "object",
            properties: {
              bpfo: { type: "number" },
              bpfi: { type: "number" },
              bsf: { type: "number" },
              ftf: { type: "number" },
            },
          },
          { type: "null" },
        ],
      },
    },
  },
  SpectrumPeak: {
    type: "object",
    properties: {
      hz: { type: "number" },
      amplitude: { type: "number", description: "Peak acceleration, m/s²" },
      label: { type: "string", description: "e.g. '1× shaft', 'BPFO', '2× BPFO'" },
    },
    required: ["hz", "amplitude"],
  },
  Spectrum: {
    type: "object",
    properties: {
      factory: { type: "string" },
      machine: { type: "string" },
      ts: { type: "integer", description: "Epoch ms of the waveform" },
      axis: { type: "string" },
      axes: { type: "array", items: { type: "string" }, description: "Axes with a spectrum" },
      sampleRateHz: { type: "number" },
      sampleCount: { type: "integer" },
      binHz: { type: "number" },
      frequencies: {
        type: "array",
        items: { type: "number" },
        maxItems: 2048,
        description: "Hz; each point the highest bin of its run, so peaks survive thinning",
      },
      magnitudes: {
        type: "array",
        items: { type: "number" },
        maxItems: 2048,
        description: "Peak acceleration amplitude, m/s²",
      },
      peaks: { type: "array", items: ref("SpectrumPeak") },
      features: {
        type: "object",
        properties: {
          rmsAccel: { type: "number", description: "m/s², mean removed" },
          rmsVelocity: { type: "number", description: "mm/s, 10–1000 Hz" },
          peak: { type: "number", description: "m/s²" },
          crest: { type: "number" },
          kurtosis: { type: "number", description: "m4/m2² (3 for Gaussian noise)" },
          shaftHz: { type: "number" },
          bands: {
            type: "array",
            items: {
              type: "object",
              properties: {
                fromHz: { type: "number" },
                toHz: { type: "number" },
                rms: { type: "number", description: "m/s²" },
              },
            },
          },
          targets: {
            type: "array",
            items: {
              type: "object",
              properties: {
                key: { enum: ["amp_1x", "amp_2x", "amp_bpfo", "amp_bpfi", "amp_bsf", "amp_ftf"] },
                label: { type: "string" },
                expectedHz: { type: "number" },
                hz: { type: "number" },
                amplitude: { type: "number", description: "m/s² peak" },
              },
            },
          },
        },
      },
      isoZone: {
        type: "object",
        properties: {
          zone: { enum: ["A", "B", "C", "D"] },
          status: { enum: ["normal", "satisfactory", "alert", "unacceptable"] },
          group: { enum: [1, 2, 3, 4] },
          foundation: { enum: ["rigid", "flexible"] },
          velocityRms: { type: "number", description: "mm/s" },
          boundaries: {
            type: "object",
            description: "ISO 10816-3 zone boundaries used, mm/s RMS",
            properties: { ab: { type: "number" }, bc: { type: "number" }, cd: { type: "number" } },
          },
        },
      },
    },
  },
} as const;
