// Register an arrival (入格) from the grid panel: checked with the same schema the server uses, the
// address completed from the standard address registry; the server's answers (created, duplicate,
// unresolved address with candidates, outside the county, implausible time, outside scope) are shown.
// The grid repaints through the stream, not through this form.
import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { healthCodes, type HealthCode } from '../../shared/domain.ts';
import {
  AddressMatch,
  AddressSearchResponse,
  ArrivalRequest,
  ArrivalResponse,
  type ArrivalResponse as ArrivalResult,
} from '../../shared/arrivals.ts';
import { ApiRequestError, apiRequest, apiRequestWithStatus, isAbort, withQuery } from '../api/http.ts';
import { formatDateTime, formatNumber } from '../i18n/i18n.ts';
import { activeMap } from '../map/map-controller.ts';
import { selectGrid, useConsole } from '../state/store.ts';

type Field = 'name' | 'idNumber' | 'phone' | 'origin' | 'arrivedAt' | 'healthCode' | 'location';
const knownErrors = [
  'address_unresolved',
  'outside_county',
  'invalid_arrival_time',
  'forbidden',
  'validation_failed',
];

/** `datetime-local` value for now, in local time. */
function localNow(): string {
  const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function ArrivalForm() {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [origin, setOrigin] = useState('');
  const [arrivedAt, setArrivedAt] = useState(localNow);
  const [healthCode, setHealthCode] = useState<HealthCode>('green');
  const [address, setAddress] = useState('');
  const [suggestions, setSuggestions] = useState<AddressMatch[]>([]);
  const [suggestOpen, setSuggestOpen] = useState(false);
  const [activeSuggestion, setActiveSuggestion] = useState(0);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [candidates, setCandidates] = useState<AddressMatch[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<ArrivalResult | null>(null);
  const [busy, setBusy] = useState(false);
  const gridInfo = useConsole((s) => s.gridInfo);

  useEffect(() => {
    const q = address.trim();
    if (q.length < 2 || !suggestOpen) {
      setSuggestions([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      apiRequest(AddressSearchResponse, withQuery('/api/addresses/search', { q, limit: 8 }), {
        signal: controller.signal,
      }).then(
        (res) => {
          setSuggestions(res.items);
          setActiveSuggestion(0);
        },
        (error: unknown) => {
          if (!isAbort(error)) setSuggestions([]);
        },
      );
    }, 150);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [address, suggestOpen]);

  const pickAddress = (match: AddressMatch): void => {
    setAddress(match.text);
    setSuggestOpen(false);
    setSuggestions([]);
    setCandidates([]);
  };

  const onAddressKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (!suggestOpen || suggestions.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActiveSuggestion((i) => (i + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const match = suggestions[activeSuggestion];
      if (match) pickAddress(match);
    } else if (event.key === 'Escape') {
      setSuggestOpen(false);
    }
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setFailure(null);
    setCandidates([]);
    setResult(null);
    const request = {
      name,
      idNumber,
      phone,
      origin,
      arrivedAt: arrivedAt ? new Date(arrivedAt).toISOString() : '',
      healthCode,
      location: { address },
    };
    const parsed = ArrivalRequest.safeParse(request);
    if (!parsed.success) {
      const errors: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]) as Field;
        errors[field] = t(`arrival.invalid.${field}`);
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const { body } = await apiRequestWithStatus(ArrivalResponse, '/api/arrivals', {
        method: 'POST',
        body: parsed.data,
      });
      setResult(body);
    } catch (error) {
      if (error instanceof ApiRequestError) {
        const list = z.array(AddressMatch).safeParse(error.details?.candidates);
        if (list.success) setCandidates(list.data);
        setFailure(
          knownErrors.includes(error.code)
            ? t(`arrival.errors.${error.code}`)
            : t('arrival.errors.generic', { message: error.message }),
        );
      } else {
        setFailure(t('arrival.errors.generic', { message: (error as Error).message }));
      }
    } finally {
      setBusy(false);
    }
  };

  const reset = (): void => {
    setName('');
    setIdNumber('');
    setPhone('');
    setOrigin('');
    setArrivedAt(localNow());
    setHealthCode('green');
    setAddress('');
    setResult(null);
  };

  const showGrid = (gridId: number): void => {
    selectGrid(gridId);
    const bbox = gridInfo.get(gridId)?.bbox;
    if (bbox) activeMap()?.fitBbox(bbox, { maxZoom: 15 });
  };

  const error = (field: Field) =>
    fieldErrors[field] ? (
      <span className="field-error" role="alert">
        {fieldErrors[field]}
      </span>
    ) : null;

  if (result) {
    const grid = result.arrival.grid;
    return (
      <div className="arrival-result" data-testid="arrival-result" data-duplicate={result.duplicate}>
        <p className={result.duplicate ? 'warning' : 'success'} role="status">
          {result.duplicate
            ? t('arrival.duplicate', {
                grid: `${grid.name} (${grid.code})`,
                at: formatDateTime(result.arrival.registeredAt),
              })
            : t('arrival.success', {
                grid: `${grid.name} (${grid.code})`,
                seq: formatNumber(result.seq ?? 0),
              })}
        </p>
        <div className="actions">
          <button type="button" onClick={() => showGrid(grid.id)}>
            {t('arrival.showGrid')}
          </button>
          <button type="button" className="secondary" onClick={reset}>
            {t('arrival.another')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="arrival-form" data-testid="arrival-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="form-grid">
        <label>
          {t('arrival.name')}
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          {error('name')}
        </label>
        <label>
          {t('arrival.idNumber')}
          <input
            name="idNumber"
            className="mono"
            value={idNumber}
            maxLength={18}
            onChange={(e) => setIdNumber(e.target.value)}
            autoComplete="off"
          />
          {error('idNumber')}
        </label>
        <label>
          {t('arrival.phone')}
          <input
            name="phone"
            className="mono"
            value={phone}
            maxLength={11}
            onChange={(e) => setPhone(e.target.value)}
          />
          {error('phone')}
        </label>
        <label>
          {t('arrival.origin')}
          <input name="origin" value={origin} onChange={(e) => setOrigin(e.target.value)} />
          {error('origin')}
        </label>
        <label>
          {t('arrival.arrivedAt')}
          <input
            name="arrivedAt"
            type="datetime-local"
            value={arrivedAt}
            onChange={(e) => setArrivedAt(e.target.value)}
          />
          {error('arrivedAt')}
        </label>
        <fieldset className="health-choice">
          <legend>{t('arrival.healthCode')}</legend>
          {healthCodes.map((code) => (
            <label key={code} className={`code-option code-${code}`}>
              <input
                type="radio"
                name="healthCode"
                value={code}
                checked={healthCode === code}
                onChange={() => setHealthCode(code)}
              />
              {t(`healthCode.${code}`)}
            </label>
          ))}
        </fieldset>
      </div>
      <label className="address-field">
        {t('arrival.address')}
        <input
          name="address"
          role="combobox"
          aria-expanded={suggestOpen && suggestions.length > 0}
          aria-autocomplete="list"
          placeholder={t('arrival.addressPlaceholder')}
          value={address}
          onChange={(e) => {
            setAddress(e.target.value);
            setSuggestOpen(true);
          }}
          onKeyDown={onAddressKey}
          // Options pick on mousedown (focus stays here), so closing at once on blur loses no click; a delayed
          // close could land after the user is back in the field and hide the new suggestions.
          onBlur={() => setSuggestOpen(false)}
          autoComplete="off"
        />
        {error('location')}
        {suggestOpen && suggestions.length > 0 && (
          <ul className="suggestions" role="listbox" data-testid="address-suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.id}
                role="option"
                aria-selected={i === activeSuggestion}
                className={i === activeSuggestion ? 'active' : ''}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pickAddress(s);
                }}
              >
                <span>{s.text}</span>
                <span className="detail">{gridInfo.get(s.gridId)?.name ?? ''}</span>
              </li>
            ))}
          </ul>
        )}
      </label>
      {failure && (
        <p className="error" role="alert" data-testid="arrival-error">
          {failure}
        </p>
      )}
      {candidates.length > 0 && (
        <div className="candidates" data-testid="address-candidates">
          <p className="hint">{t('arrival.candidates')}</p>
          <ul>
            {candidates.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => pickAddress(c)}>
                  {c.text}
                </button>
                <span className="detail">{gridInfo.get(c.gridId)?.name ?? ''}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('arrival.submitting') : t('arrival.submit')}
      </button>
    </form>
  );
}
