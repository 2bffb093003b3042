import { type Signal, useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { AdminTable, Loaded } from "../web/browser/admin_table.tsx";
import { ConfirmButton } from "../web/browser/confirm_button.tsx";
import { SecretValue } from "../web/browser/copy_button.tsx";
import {
  createCredential,
  createProvisioningKey,
  type DeviceRow,
  fetchDevices,
  fetchMachineIds,
  fetchProvisioningKeys,
  type NewCredential,
  type NewProvisioningKey,
  type ProvisioningKeyRow,
  revokeDevice,
  revokeProvisioningKey,
} from "../web/browser/device_api.ts";
import { FormProblem } from "../web/browser/form_problem.tsx";
import { formatWhen, isSet } from "../web/browser/identity_format.ts";
import { machinePath } from "../web/browser/format.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";
import { useBusyAction } from "../web/browser/use_busy_action.ts";
import { TextField } from "../web/browser/text_field.tsx";

/** Props of {@link DevicesAdmin}. */
export interface DevicesAdminProps {
  readonly factory: string;
}

/** Machine ids must match the MQTT contract's id pattern. */
const MACHINE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The machines of a factory, each with its device credentials. The ids are
 * those that reported and those that have credentials, sorted.
 */
export function machinesWithCredentials(
  machineIds: readonly string[],
  devices: readonly DeviceRow[],
): { machine: string; credentials: DeviceRow[] }[] {
  const ids = new Set([...machineIds, ...devices.map((d) => d.machine)]);
  return [...ids].sort().map((machine) => ({
    machine,
    credentials: devices.filter((d) => d.machine === machine),
  }));
}

/** What is wrong with a machine id typed in the form, or undefined. */
export function machineIdProblem(id: string): string | undefined {
  if (id === "") return "Type the machine's id, as the device will publish it.";
  if (!MACHINE_ID.test(id)) {
    return `'${id}' is not a machine id: use 1–64 letters, digits, '_', '.' or '-'.`;
  }
  return undefined;
}

/**
 * Device provisioning for a factory: its machines with their MQTT
 * credentials ("New credential" shows the password once, with copy buttons
 * and ready-to-run mosquitto_pub, Python and Node snippets; "Revoke" asks
 * first), a form for a machine not seen yet, and the provisioning keys.
 */
export default function DevicesAdmin({ factory }: DevicesAdminProps): VNode {
  const machineIds = useSignal<readonly string[]>([]);
  const devices = useSignal<readonly DeviceRow[] | undefined>(undefined);
  const keys = useSignal<readonly ProvisioningKeyRow[]>([]);
  const secret = useSignal<NewCredential | undefined>(undefined);

  const { loadProblem, reload } = useApiLoad(async () => {
    const [m, d, k] = await Promise.all([
      fetchMachineIds(factory),
      fetchDevices(factory),
      fetchProvisioningKeys(factory),
    ]);
    machineIds.value = m;
    devices.value = d;
    keys.value = k;
  }, [factory]);

  const created = async (credential: NewCredential) => {
    secret.value = credential;
    await reload();
  };

  return (
    <div class="identity-admin">
      {secret.value !== undefined && (
        <CredentialPanel
          credential={secret.value}
          onClose={() => secret.value = undefined}
        />
      )}
      <section class="panel" aria-labelledby="machines-title">
        <h2 class="panel-title" id="machines-title">Machines and their credentials</h2>
        <Loaded value={devices.value} problem={loadProblem.value}>
          {(list) => (
            <MachineList
              factory={factory}
              machines={machinesWithCredentials(machineIds.value, list)}
              onCreated={created}
              onChanged={reload}
            />
          )}
        </Loaded>
        <NewMachineForm factory={factory} onCreated={created} />
      </section>
      <KeysPanel factory={factory} keys={keys} onChanged={reload} />
    </div>
  );
}

function CredentialPanel(
  { credential, onClose }: { credential: NewCredential; onClose: () => void },
): VNode {
  const { mqtt, snippets } = credential;
  return (
    <section class="panel secret-panel" data-panel="credential" aria-labelledby="secret-title">
      <h2 class="panel-title" id="secret-title">
        New credential for {credential.credential.machine}
      </h2>
      <p class="secret-warning" role="alert">
        Save the password now: it is shown only this once. If it is lost, revoke the credential and
        make a new one.
      </p>
      <div class="secret-grid">
        <SecretValue label="Username" value={credential.username} />
        <SecretValue label="Password" value={credential.password} />
        <SecretValue label="Broker" value={`${mqtt.host}:${mqtt.port}`} />
        <SecretValue label="Topic" value={mqtt.topic} />
      </div>
      <SecretValue label="mosquitto_pub" value={snippets.mosquitto_pub} block />
      <SecretValue label="Python" value={snippets.python} block />
      <SecretValue label="Node" value={snippets.node} block />
      <button type="button" class="alert-button alert-button--primary" onClick={onClose}>
        I have saved it
      </button>
    </section>
  );
}

function MachineList(
  { factory, machines, onCreated, onChanged }: {
    factory: string;
    machines: { machine: string; credentials: DeviceRow[] }[];
    onCreated: (credential: NewCredential) => Promise<void>;
    onChanged: () => Promise<void>;
  },
): VNode {
  if (machines.length === 0) {
    return (
      <p class="empty-note">
        No machine has reported yet. Give the first one a credential with the form below.
      </p>
    );
  }
  return (
    <div class="device-machines">
      {machines.map(({ machine, credentials }) => (
        <MachineCard
          key={machine}
          factory={factory}
          machine={machine}
          credentials={credentials}
          onCreated={onCreated}
          onChanged={onChanged}
        />
      ))}
    </div>
  );
}

function MachineCard(
  { factory, machine, credentials, onCreated, onChanged }: {
    factory: string;
    machine: string;
    credentials: DeviceRow[];
    onCreated: (credential: NewCredential) => Promise<void>;
    onChanged: () => Promise<void>;
  },
): VNode {
  const { busy, problem, act } = useBusyAction();
  const active = credentials.filter((c) => !isSet(c.revokedAt)).length;
  return (
    <div class="device-machine" data-machine={machine}>
      <div class="device-machine-head">
        <a class="device-machine-name" href={machinePath(factory, machine)}>{machine}</a>
        <span class="muted">
          {active} active {active === 1 ? "credential" : "credentials"}
        </span>
        <button
          type="button"
          class="alert-button alert-button--primary"
          disabled={busy.value}
          onClick={() => act(async () => await onCreated(await createCredential(factory, machine)))}
        >
          New credential
        </button>
      </div>
      <FormProblem message={problem.value} />
      {credentials.length > 0 && (
        <AdminTable columns={["Credential", "Created", "Last used", "Status", "Actions"]}>
          {credentials.map((c) => (
            <tr key={c.id} data-credential={c.id} class={isSet(c.revokedAt) ? "is-disabled" : ""}>
              <th scope="row">{c.name}</th>
              <td class="time">{formatWhen(c.createdAt, "—")}</td>
              <td class="time">{formatWhen(c.lastUsedAt)}</td>
              <td>
                {isSet(c.revokedAt)
                  ? <span class="identity-off">Revoked {formatWhen(c.revokedAt)}</span>
                  : "Active"}
              </td>
              <td class="identity-actions">
                {!isSet(c.revokedAt) && (
                  <ConfirmButton
                    label="Revoke"
                    question={`Revoke '${c.name}'? The device is disconnected at once.`}
                    disabled={busy.value}
                    onConfirm={() =>
                      act(async () => {
                        await revokeDevice(factory, c.id);
                        await onChanged();
                      })}
                  />
                )}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </div>
  );
}

function NewMachineForm(
  { factory, onCreated }: {
    factory: string;
    onCreated: (credential: NewCredential) => Promise<void>;
  },
): VNode {
  const machine = useSignal("");
  const name = useSignal("");
  const { busy, problem, act } = useBusyAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const id = machine.value.trim();
    const wrong = machineIdProblem(id);
    if (wrong !== undefined) {
      problem.value = wrong;
      return;
    }
    act(async () => {
      await onCreated(await createCredential(factory, id, name.value.trim()));
      machine.value = "";
      name.value = "";
    });
  };
  return (
    <form
      class="identity-form device-new"
      onSubmit={submit}
      aria-label="Credential for a new machine"
    >
      <TextField
        label="New machine id"
        labelClass="alert-field"
        type="text"
        name="machine"
        placeholder="press-07"
        signal={machine}
      />
      <TextField
        label="Credential name (optional)"
        labelClass="alert-field"
        type="text"
        name="credential-name"
        signal={name}
      />
      <button type="submit" class="alert-button alert-button--primary" disabled={busy.value}>
        Create credential
      </button>
      <FormProblem message={problem.value} />
    </form>
  );
}

function KeysPanel(
  { factory, keys, onChanged }: {
    factory: string;
    keys: Signal<readonly ProvisioningKeyRow[]>;
    onChanged: () => Promise<void>;
  },
): VNode {
  const name = useSignal("");
  const created = useSignal<NewProvisioningKey | undefined>(undefined);
  const { busy, problem, act } = useBusyAction(onChanged);
  const submit = (event: Event) => {
    event.preventDefault();
    act(async () => {
      created.value = await createProvisioningKey(factory, name.value.trim());
      name.value = "";
    });
  };
  return (
    <section class="panel" aria-labelledby="keys-title">
      <h2 class="panel-title" id="keys-title">
        Provisioning keys<span class="panel-note">{keys.value.length}</span>
      </h2>
      <p class="muted">
        A device holding a provisioning key registers machines of this factory by itself, when the
        factory allows auto-registration.
      </p>
      {created.value !== undefined && (
        <div class="secret-panel" data-panel="provisioning-key">
          <p class="secret-warning" role="alert">
            Save the secret now: it is shown only this once.
          </p>
          <SecretValue label="Key" value={created.value.username ?? created.value.key.id} />
          <SecretValue label="Secret" value={created.value.secret} />
          {created.value.snippets !== undefined && (
            <SecretValue
              label="mosquitto_pub"
              value={created.value.snippets.mosquitto_pub}
              block
            />
          )}
          <button type="button" class="alert-button" onClick={() => created.value = undefined}>
            I have saved it
          </button>
        </div>
      )}
      {keys.value.length > 0 && (
        <AdminTable columns={["Key", "Created", "Last used", "Status", "Actions"]}>
          {keys.value.map((key) => (
            <tr key={key.id} data-key={key.id}>
              <th scope="row">{key.name ?? key.id}</th>
              <td class="time">{formatWhen(key.createdAt, "—")}</td>
              <td class="time">{formatWhen(key.lastUsedAt)}</td>
              <td>
                {isSet(key.revokedAt) ? <span class="identity-off">Revoked</span> : "Active"}
              </td>
              <td class="identity-actions">
                {!isSet(key.revokedAt) && (
                  <ConfirmButton
                    label="Revoke"
                    question="Revoke this key? Devices can no longer register with it."
                    disabled={busy.value}
                    onConfirm={() =>
                      act(() => revokeProvisioningKey(factory, key.id))}
                  />
                )}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <form class="identity-form" onSubmit={submit} aria-label="New provisioning key">
        <TextField
          label="Key name (optional)"
          labelClass="alert-field"
          type="text"
          name="key-name"
          signal={name}
        />
        <button type="submit" class="alert-button" disabled={busy.value}>
          New provisioning key
        </button>
        <FormProblem message={problem.value} />
      </form>
    </section>
  );
}
